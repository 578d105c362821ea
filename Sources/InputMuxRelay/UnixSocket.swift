import Glibc

/// Plain Unix stream sockets for `doctor`'s reachability checks and the private socket
/// of a muxctl lease holder (the wire protocol itself goes through InputMuxClient).
package enum UnixSocket {
    package struct Failure: Error {
        package var errno: Int32
        package var reason: String { String(cString: strerror(errno)) }
    }

    /// The corresponding C function is `connect`.
    package static func connect(_ path: String) -> Result<Int32, Failure> {
        withAddress(path) { fd, addr, len in Glibc.connect(fd, addr, len) }
    }

    /// A listening socket at `path` (mode 0600), replacing nothing: an existing file is
    /// an error (`EADDRINUSE`). The corresponding C functions are `bind` and `listen`.
    package static func listen(_ path: String) -> Result<Int32, Failure> {
        let previous = umask(0o177)
        defer { umask(previous) }
        return withAddress(path) { fd, addr, len in
            let rc = bind(fd, addr, len)
            return rc == 0 ? Glibc.listen(fd, 8) : rc
        }
    }

    private static func withAddress(_ path: String, _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Result<Int32, Failure> {
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
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            return .failure(Failure(errno: e))
        }
        return .success(fd)
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Reads up to the first newline (without it); nil at end of stream before one. Reads
    /// one byte at a time: requests and replies are short, and nothing past the line may
    /// be consumed.
    package static func readLine(_ fd: Int32, limit: Int = 1 << 20) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < limit {
            let n = read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            guard n == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return nil
    }
}
