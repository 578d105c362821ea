import Glibc


/// A connected Unix stream socket. Blocking reads happen on the connection's reader
/// thread only; writes are whole lines.
struct UnixSocket: Sendable {
    let fd: Int32

    /// Which socket this is, for error sentences that say what to do.
    enum Role: Sendable {
        case agent, control
    }

    /// Connects to `path`. The corresponding C function is `connect`.
    static func connect(to path: String, role: Role) throws(InputMuxError) -> UnixSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw InputMuxError(.badInput, "socket path \(path) is longer than \(capacity - 1) bytes; use a shorter path")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw InputMuxError(.connectionLost, "cannot create a socket: \(errorText(errno))") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let e = errno
            Glibc.close(fd)
            throw connectError(e, path: path, role: role)
        }
        return UnixSocket(fd: fd)
    }

    static func connectError(_ e: Int32, path: String, role: Role) -> InputMuxError {
        switch e {
        case ENOENT, ECONNREFUSED, ENOTDIR:
            return InputMuxError(.daemonNotRunning,
                "cannot reach inputmuxd at \(path) (\(errorText(e))): is inputmuxd running? check `systemctl status inputmuxd` and `journalctl -u inputmuxd`")
        case EACCES, EPERM:
            let what = role == .agent
                ? "join the group `inputmux` (`sudo usermod -aG inputmux $USER`, then log in again)"
                : "run as root, or join the admin group `inputmux-admin` if the configuration names one"
            return InputMuxError(.permissionDenied, "permission denied on \(path): \(what)")
        default:
            return InputMuxError(.connectionLost, "cannot connect to \(path): \(errorText(e))")
        }
    }

    /// Writes all of `bytes`; false once the peer is gone.
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Reads what is there (blocking); nil at end of stream or on error.
    func read(into buffer: inout [UInt8]) -> Int? {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return n }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Wakes a blocked reader; the reader then closes.
    func shutdownBoth() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    func close() { _ = Glibc.close(fd) }
}

func errorText(_ e: Int32) -> String { String(cString: strerror(e)) }
