import Glibc
import InputMuxSystem

/// A listening Unix socket with the ownership and mode DESIGN §6 demands, created fail
/// closed: the directory must be root's and not writable by others, and what we bind
/// is checked again after `chmod`/`chown`.
public final class SocketListener {
    private let socket: UnixSocket
    public var fd: Int32 { socket.descriptor.rawValue }
    public let path: String

    /// - Parameters:
    ///   - group: the group allowed to connect (mode 0660), or nil for owner-only (0600).
    public init(path: String, group: UInt32?) throws(DaemonError) {
        self.path = path
        let dir = Self.directory(of: path)
        try Self.ensureSafeDirectory(dir)

        var st = stat()
        if lstat(path, &st) == 0 {
            // Only ever remove a stale socket, never a file someone put there.
            guard (st.st_mode & S_IFMT) == S_IFSOCK else {
                throw .unsafeDirectory(path: path, why: "exists and is not a socket")
            }
            unlink(path)
        }

        // Bound owner-only (0600) from the start, so the socket is never briefly open to
        // others; widened to the group below once its owner is right. A burst of
        // connections waits in the backlog while the loop accepts them; with 128, the
        // next client's connect() blocked behind a burst of a few hundred (the kernel
        // caps this at net.core.somaxconn, 4096 on current kernels).
        let socket: UnixSocket
        do { socket = try UnixSocket.listen(at: path, backlog: Self.backlog, nonBlocking: true) } catch {
            switch error {
            case .pathTooLong: throw .configuration("\(error) under [sockets] in the configuration")
            case .failed(let call, _, let e): throw .socket(path: path, call: call, errno: e.rawValue)
            }
        }
        let mode: mode_t = group == nil ? 0o600 : 0o660
        guard chown(path, geteuid(), group ?? getegid()) == 0, chmod(path, mode) == 0 else {
            let e = errno
            socket.close()
            throw .socket(path: path, call: "chown/chmod", errno: e)
        }
        guard lstat(path, &st) == 0, st.st_mode & 0o777 == mode, st.st_uid == geteuid() else {
            socket.close()
            throw .unsafeDirectory(path: path, why: "did not take mode \(String(mode, radix: 8)) and our ownership")
        }
        self.socket = socket
    }

    static let backlog: Int32 = 1024

    /// The next waiting connection (non-blocking, close-on-exec), or nil with `errno` set:
    /// EAGAIN when none waits, EMFILE/ENFILE when out of descriptors (the loop sheds).
    /// EINTR and ECONNABORTED are retried below, in `UnixSocket.accept`.
    public func accept() -> Int32? {
        do {
            guard let c = try socket.accept(nonBlocking: true) else {
                errno = EAGAIN
                return nil
            }
            return c.descriptor.rawValue
        } catch {
            errno = error.errno?.rawValue ?? EIO
            return nil
        }
    }

    public func close() {
        socket.close()
        unlink(path)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// Creates the directory (0755) if missing; refuses one that others could write to,
    /// since whoever can write there can replace our socket.
    static func ensureSafeDirectory(_ dir: String) throws(DaemonError) {
        var st = stat()
        if stat(dir, &st) != 0 {
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST, stat(dir, &st) == 0 else {
                throw .socket(path: dir, call: "mkdir", errno: errno)
            }
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .unsafeDirectory(path: dir, why: "is not a directory") }
        guard st.st_uid == geteuid() || st.st_uid == 0 else {
            throw .unsafeDirectory(path: dir, why: "is owned by uid \(st.st_uid)")
        }
        guard st.st_mode & 0o022 == 0 else {
            throw .unsafeDirectory(path: dir, why: "is writable by group or others (mode \(String(st.st_mode & 0o777, radix: 8)))")
        }
    }
}
