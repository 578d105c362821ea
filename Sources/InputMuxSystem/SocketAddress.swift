import Glibc

/// A Unix socket address (`sockaddr_un`) for a path. The one place that fills one in:
/// a path that does not fit with its terminating NUL is refused, never truncated.
struct SocketAddress {
    private var storage = sockaddr_un()

    /// The most path bytes an address holds (107 on Linux: 108 less the NUL).
    static let pathLimit = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    init(path: String) throws(SocketError) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.pathLimit else {
            throw .pathTooLong(path: path, length: bytes.count, limit: Self.pathLimit)
        }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    /// Calls `body` with the address as the C calls take it.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
