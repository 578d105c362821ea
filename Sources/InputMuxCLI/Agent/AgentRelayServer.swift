import Foundation
import Glibc
import InputMuxRelay
import InputMuxSystem
import Synchronization

/// The holder's end of `AgentRelay`: accepts connections on its private socket, one at a
/// time, and answers each request line with the handler's reply, in order. The accept
/// loop runs on its own thread (blocking calls stay off the async executor); each request
/// is handed to the async handler and waited for.
public final class AgentRelayServer: Sendable {
    public let path: String
    private let socket: UnixSocket

    public init(path: String) throws(CLIError) {
        do { socket = try UnixSocket.listen(at: path, backlog: 8) } catch {
            throw CLIError(.failure, "cannot listen on \(path): \(error)")
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
            let socket = self.socket, path = self.path
            let thread = Thread {
                Self.loop(socket, handler: handler)
                socket.close()
                unlink(path)
                done.resume()
            }
            thread.start()
        }
    }

    private static func loop(_ listener: UnixSocket, handler: @escaping @Sendable (String) async -> Answer) {
        while let client = try? listener.accept() {
            defer { client.close() }
            var reader = LineReader(maximumLine: AgentRelay.maximumLine, readSize: 4096)
            while let line = try? reader.readLine(from: client.descriptor) {
                let answer = Self.wait(for: String(decoding: line, as: UTF8.self), handler)
                try? client.send(Array((answer.reply.line + "\n").utf8))
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
