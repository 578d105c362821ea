import SystemPackage

/// Why a Unix socket could not be made, reached or used. Each case says what to do next.
public enum SocketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `path` does not fit a socket address (`sun_path`): it is `length` bytes and the
    /// address holds at most `limit`. Never cut short: a shorter path would name another
    /// socket.
    case pathTooLong(path: String, length: Int, limit: Int)
    /// The system call `call` on the socket at `path` failed with `errno`.
    case failed(call: String, path: String, errno: Errno)

    /// The error number, or nil when no system call failed.
    public var errno: Errno? {
        if case .failed(_, _, let e) = self { return e }
        return nil
    }

    public var description: String {
        switch self {
        case .pathTooLong(let path, let length, let limit):
            return "the socket path \(path) is \(length) bytes, longer than the \(limit) bytes a Unix socket address holds; "
                + "use a shorter path (a shorter directory such as /run or /tmp, or a shorter name)"
        case .failed(let call, let path, let e):
            return "\(call) on the socket \(path) failed: \(e.description)"
        }
    }
}
