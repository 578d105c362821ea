import CInputMuxSys
import Glibc

/// A listening Unix socket with the ownership and mode DESIGN §6 demands, created fail
/// closed: the directory must be root's and not writable by others, and what we bind
/// is checked again after `chmod`/`chown`.
public final class SocketListener {
    public let fd: Int32
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

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socket(path: path, call: "socket", errno: errno) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Glibc.close(fd)
            throw .socket(path: path, call: "bind (path too long)", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        // Bind with a restrictive umask so the socket is never briefly open to others.
        let old = umask(0o177)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(old)
        guard bound == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .socket(path: path, call: "bind", errno: e)
        }
        let mode: mode_t = group == nil ? 0o600 : 0o660
        guard chown(path, geteuid(), group ?? getegid()) == 0, chmod(path, mode) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .socket(path: path, call: "chown/chmod", errno: e)
        }
        guard lstat(path, &st) == 0, st.st_mode & 0o777 == mode, st.st_uid == geteuid() else {
            Glibc.close(fd)
            throw .unsafeDirectory(path: path, why: "did not take mode \(String(mode, radix: 8)) and our ownership")
        }
        // A burst of connections waits here while the loop accepts them; with 128, the
        // next client's connect() blocked behind a burst of a few hundred (the kernel
        // caps this at net.core.somaxconn, 4096 on current kernels).
        guard listen(fd, Self.backlog) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .socket(path: path, call: "listen", errno: e)
        }
        self.fd = fd
    }

    static let backlog: Int32 = 1024

    /// The corresponding C function is `accept4`.
    public func accept() -> Int32? {
        let c = inputmux_accept(fd)
        return c >= 0 ? c : nil
    }

    public func close() {
        Glibc.close(fd)
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
