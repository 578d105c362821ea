import Glibc

/// A plain `connect(2)` to a Unix stream socket, for `doctor`'s reachability checks
/// (the wire protocol itself goes through InputMuxClient).
enum UnixSocket {
    struct Failure: Error {
        var errno: Int32
        var reason: String { String(cString: strerror(errno)) }
    }

    /// The corresponding C function is `connect`.
    static func connect(_ path: String) -> Result<Int32, Failure> {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(Failure(errno: errno)) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            return .failure(Failure(errno: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            return .failure(Failure(errno: e))
        }
        return .success(fd)
    }
}
