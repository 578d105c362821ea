import CInputMuxSys
import Glibc
import SystemPackage

/// A Unix stream socket: connected, or listening at a path. Its descriptor is a
/// swift-system `FileDescriptor` (reads go through it, EINTR retried there); `send`
/// adds MSG_NOSIGNAL, so a peer that is gone is an error, never a SIGPIPE.
///
/// A value, like `FileDescriptor`: whoever made it closes it once.
public struct UnixSocket: Hashable, Sendable {
    public let descriptor: FileDescriptor
    /// The path it was connected to or listens at (for error sentences).
    public let path: String

    /// Takes over a socket already made (an accepted one, or one passed in).
    public init(adopting descriptor: FileDescriptor, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Connects to the socket at `path`. The corresponding C functions are `socket` and
    /// `connect`.
    public static func connect(to path: String) throws(SocketError) -> UnixSocket {
        let s = try make(path: path, nonBlocking: false)
        do { try s.connect() } catch {
            s.close()
            throw error
        }
        return s
    }

    /// Connects this socket, made but not yet connected (one handed over by another
    /// process, say), to `path`. The corresponding C function is `connect`.
    public func connect() throws(SocketError) {
        let address = try SocketAddress(path: path)
        let rc = address.withSockaddr { Glibc.connect(descriptor.rawValue, $0, $1) }
        guard rc == 0 else { throw .failed(call: "connect", path: path, errno: Errno(rawValue: errno)) }
    }

    /// A socket listening at `path`, mode 0600 before it listens (widen it with chmod).
    /// The mode is set with chmod between `bind` and `listen`, when nobody can connect
    /// yet, not by changing the umask: the umask belongs to the whole process, and
    /// another thread creating a file or directory meanwhile would get it too. An
    /// existing file at `path` is an error (`EADDRINUSE`): the caller decides whether a
    /// stale socket may go. The corresponding C functions are `socket`, `bind`, `chmod`
    /// and `listen`.
    public static func listen(at path: String, backlog: Int32 = 16, nonBlocking: Bool = false) throws(SocketError) -> UnixSocket {
        let address = try SocketAddress(path: path)
        let s = try make(path: path, nonBlocking: nonBlocking)
        guard address.withSockaddr({ bind(s.descriptor.rawValue, $0, $1) }) == 0 else {
            let e = Errno(rawValue: errno)
            s.close()
            throw .failed(call: "bind", path: path, errno: e)
        }
        guard chmod(path, 0o600) == 0 else {
            let e = Errno(rawValue: errno)
            s.close()
            unlink(path)
            throw .failed(call: "chmod", path: path, errno: e)
        }
        guard Glibc.listen(s.descriptor.rawValue, backlog) == 0 else {
            let e = Errno(rawValue: errno)
            s.close()
            unlink(path)
            throw .failed(call: "listen", path: path, errno: e)
        }
        return s
    }

    private static func make(path: String, nonBlocking: Bool) throws(SocketError) -> UnixSocket {
        var type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        let fd = socket(AF_UNIX, type, 0)
        guard fd >= 0 else { throw .failed(call: "socket", path: path, errno: Errno(rawValue: errno)) }
        return UnixSocket(adopting: FileDescriptor(rawValue: fd), path: path)
    }

    /// The next connection waiting on this listening socket (close-on-exec; non-blocking
    /// if asked), or nil when none waits on a non-blocking listener. A connection the
    /// peer gave up before it was taken is skipped. The corresponding C function is
    /// `accept4`.
    public func accept(nonBlocking: Bool = false) throws(SocketError) -> UnixSocket? {
        while true {
            switch retryingOnInterrupt({ inputmux_accept(descriptor.rawValue, nonBlocking ? 1 : 0) }) {
            case .success(let fd):
                return UnixSocket(adopting: FileDescriptor(rawValue: fd), path: path)
            case .failure(.connectionAbort):
                continue
            case .failure(.resourceTemporarilyUnavailable):
                return nil
            case .failure(let e):
                throw .failed(call: "accept", path: path, errno: e)
            }
        }
    }

    /// Writes all of `bytes`, however many calls that takes. The corresponding C function
    /// is `send` (with MSG_NOSIGNAL).
    public func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch retryingOnInterrupt({ Glibc.send(descriptor.rawValue, rest.baseAddress, rest.count, Int32(MSG_NOSIGNAL)) }) {
            case .success(let n): offset += n
            case .failure(let e): throw .failed(call: "send", path: path, errno: e)
            }
        }
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: some Collection<UInt8>) throws(SocketError) {
        let done: Result<Void, SocketError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SocketError) in try send(UnsafeRawBufferPointer(buffer)) }
        }
        if let done { return try done.get() }
        let copy = Array(bytes)
        try copy.withUnsafeBytes { raw in Result { () throws(SocketError) in try send(raw) } }.get()
    }

    /// Reads what is there (blocking on a blocking socket) into `buffer`; 0 at the end of
    /// the stream. The corresponding C function is `read`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        do { return try descriptor.read(into: buffer, retryOnInterrupt: true) } catch {
            throw .failed(call: "read", path: path, errno: (error as? Errno) ?? .ioError)
        }
    }

    /// Ends both directions: a reader blocked on this socket (here or in the peer) wakes
    /// to the end of the stream. The corresponding C function is `shutdown`.
    public func shutdown() { _ = Glibc.shutdown(descriptor.rawValue, Int32(SHUT_RDWR)) }

    /// Never retried: on Linux the descriptor is gone even when `close` reports EINTR.
    public func close() { try? descriptor.close() }

    /// Whether something listens at `path`, answering a connection now.
    public static func isListening(at path: String) -> Bool {
        guard let s = try? connect(to: path) else { return false }
        s.close()
        return true
    }
}
