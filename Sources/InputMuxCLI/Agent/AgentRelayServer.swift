import Foundation
import Glibc
import InputMuxRelay
import Synchronization

/// The holder's end of `AgentRelay`: accepts connections on its private socket, one at a
/// time, and answers each request line with the handler's reply, in order. The accept
/// loop runs on its own thread (blocking calls stay off the async executor); each request
/// is handed to the async handler and waited for.
public final class AgentRelayServer: Sendable {
    public let path: String
    private let fd: Int32

    public init(path: String) throws(CLIError) {
        switch UnixSocket.listen(path) {
        case .success(let fd): self.fd = fd
        case .failure(let e):
            throw CLIError(.failure, "cannot listen on \(path): \(e.reason)")
        }
        self.path = path
    }

    /// What the handler decides for one request line.
    public struct Answer: Sendable {
        public var reply: AgentRelay.Reply
        /// Stop serving after this reply (the lease was released).
        public var stop: Bool

        public init(_ reply: AgentRelay.Reply, stop: Bool = false) {
            self.reply = reply
            self.stop = stop
        }
    }

    /// Serves until a handler answer says stop; then removes the socket.
    public func serve(_ handler: @escaping @Sendable (String) async -> Answer) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let fd = self.fd, path = self.path
            let thread = Thread {
                Self.loop(fd: fd, handler: handler)
                close(fd)
                unlink(path)
                done.resume()
            }
            thread.start()
        }
    }

    private static func loop(fd: Int32, handler: @escaping @Sendable (String) async -> Answer) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            defer { close(client) }
            while let line = UnixSocket.readLine(client) {
                let answer = Self.wait(for: line, handler)
                _ = UnixSocket.writeAll(client, Array((answer.reply.line + "\n").utf8))
                if answer.stop { return }
            }
        }
    }

    /// Runs the async handler from this thread and blocks until it answers.
    private static func wait(for line: String, _ handler: @escaping @Sendable (String) async -> Answer) -> Answer {
        let box = Mutex<Answer?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let a = await handler(line)
            box.withLock { $0 = a }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 } ?? Answer(.error(code: "failure", message: "no answer"))
    }
}
