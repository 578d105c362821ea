import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// File descriptors for new connections, and what happens when they run out.
///
/// The listeners are level-triggered: a connection the daemon cannot accept (EMFILE)
/// keeps them ready, and the loop would spin at full CPU while the human's newly plugged
/// devices found no descriptor to be opened with. So:
/// - connections are refused while fewer than `headroom` descriptors are left below
///   RLIMIT_NOFILE: those stay for HumanInput's devices and the agents' uinput devices;
/// - if accept fails with EMFILE anyway (another thread took the last ones), a reserve
///   descriptor is closed, the waiting connection accepted and closed at once, and the
///   reserve taken again; that drains the backlog;
/// - if not even the reserve can be had, both listeners leave epoll for `pause`.
struct ConnectionRoom {
    /// Open on /dev/null, closed only to make room for one accept-and-close.
    private var reserve: Int32 = Self.openReserve()
    var pausedUntil: Instant?
    var nextWarning: Instant = .zero
    /// Connections accepted only to be closed (EMFILE), and refused for lack of headroom.
    private(set) var shedCount = 0
    var refused = 0

    static let pause: Duration = .milliseconds(250)

    /// Descriptors kept free of connections: an eighth of the limit, 16 to 256.
    static func headroom(limit: Int) -> Int { min(256, max(16, limit / 8)) }

    /// The process's RLIMIT_NOFILE soft limit, read at each accept burst (an operator may
    /// change it with prlimit); nil when unlimited or unknown.
    static func descriptorLimit() -> Int? {
        var r = rlimit()
        guard getrlimit(RLIMIT_NOFILE_ID, &r) == 0, r.rlim_cur < UInt64(Int32.max) else { return nil }  // RLIM_INFINITY is all ones
        return Int(r.rlim_cur)
    }

    /// Whether a connection that got descriptor `fd` must go: the kernel hands out the
    /// lowest free number, so `fd` says how close to the limit the process is.
    static func mustRefuse(fd: Int32, limit: Int?) -> Bool {
        guard let limit else { return false }
        return Int(fd) >= limit - headroom(limit: limit)
    }

    /// Tells the client why in one line (if its socket takes it now) and closes it.
    static func refuse(_ fd: Int32, _ error: WireError) {
        let line = Array((WireEncoding.error(error, id: nil).serialized + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        Glibc.close(fd)
    }

    /// Accepts one waiting connection on the reserve descriptor and closes it. False when
    /// there was no reserve (the caller pauses the listeners) or nothing was waiting.
    mutating func shed(_ listener: SocketListener) -> Bool {
        guard reserve >= 0 else {
            reserve = Self.openReserve()
            return false
        }
        Glibc.close(reserve)
        let fd = listener.accept()
        if let fd { Glibc.close(fd) }
        reserve = Self.openReserve()
        if fd != nil { shedCount += 1 }
        return fd != nil
    }

    private static func openReserve() -> Int32 { open("/dev/null", O_RDONLY | O_CLOEXEC) }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_ID = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#endif
