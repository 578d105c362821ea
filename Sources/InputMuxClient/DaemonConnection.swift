import Foundation
import InputMuxSystem
import InputMuxWire
import Synchronization

/// One NDJSON connection to inputmuxd (agent or control socket).
///
/// Requests get increasing ids and are answered by the reply with the same id; events
/// go to `onEvent` in arrival order. A dedicated reader thread does the blocking reads,
/// so no task of the cooperative pool ever waits on the socket. Reply handlers run on
/// that thread before the next message is read: a lease created from an acquire reply
/// is therefore registered before the `granted` event that follows it is dispatched.
///
/// The reader also keeps the descriptors that arrive with lines (SCM_RIGHTS) in arrival
/// order; a reply whose result says `"fd":true` takes the oldest one, whose sealed
/// contents become the reply's attachment (docs/PROTOCOL.md, capture). Descriptors are
/// closed once read, and those left over when the connection ends are closed then.
public final class DaemonConnection: Sendable {
    public let socketPath: String
    private let socket: UnixSocket
    private let writeLock = NSLock()
    private let state: Mutex<State>

    private struct State {
        var nextID: Int64 = 1
        var pending: [Int64: @Sendable (Result<DaemonReply, InputMuxError>) -> Void] = [:]
        var closedBy: InputMuxError?
        var onEvent: (@Sendable (DaemonEvent) -> Void)?
        var onClose: (@Sendable (InputMuxError) -> Void)?
        var reading = false
    }

    /// Connects; nothing is sent yet (the caller sends hello).
    init(path: String, role: DaemonSocket.Role) throws(InputMuxError) {
        socketPath = path
        socket = try DaemonSocket.connect(to: path, role: role)
        state = Mutex(State())
    }

    /// Installs the event and close handlers, then starts reading.
    func start(onEvent: @escaping @Sendable (DaemonEvent) -> Void, onClose: @escaping @Sendable (InputMuxError) -> Void) {
        state.withLock {
            $0.onEvent = onEvent
            $0.onClose = onClose
            $0.reading = true
        }
        let thread = Thread { [self] in readLoop() }
        thread.name = "inputmux-client-reader"
        thread.start()
    }

    /// Why the connection closed, once it has.
    public var closedBy: InputMuxError? { state.withLock { $0.closedBy } }

    /// Sends `message` (an object; `id` is added) and waits for its reply. `transform`
    /// turns the reply's `result` into the value returned; it runs on the reader thread
    /// before any later message is handled.
    func request<T: Sendable>(
        _ message: JSON,
        transform: @escaping @Sendable (JSON) throws(InputMuxError) -> T
    ) async throws(InputMuxError) -> T {
        try await request(message, reply: { (reply: DaemonReply) throws(InputMuxError) -> T in try transform(reply.result) })
    }

    /// Like `request(_:transform:)`, with the whole reply: its `result` and the contents
    /// of the descriptor that came with it, if it announced one.
    func request<T: Sendable>(
        _ message: JSON,
        reply transform: @escaping @Sendable (DaemonReply) throws(InputMuxError) -> T
    ) async throws(InputMuxError) -> T {
        let outcome: Result<T, InputMuxError> = await withCheckedContinuation { continuation in
            let handler: @Sendable (Result<DaemonReply, InputMuxError>) -> Void = { reply in
                continuation.resume(returning: reply.flatMap { r in Result { () throws(InputMuxError) -> T in try transform(r) } })
            }
            let id: Int64? = state.withLock { s in
                guard s.closedBy == nil else { return nil }
                let id = s.nextID
                s.nextID += 1
                s.pending[id] = handler
                return id
            }
            guard let id else {
                handler(.failure(closedBy ?? Self.lost(socketPath)))
                return
            }
            if !send(message.with("id", .int(id))) {
                let waiting = state.withLock { $0.pending.removeValue(forKey: id) }
                waiting?(.failure(closedBy ?? Self.lost(socketPath)))
            }
        }
        return try outcome.get()
    }

    /// Sends and returns the reply's `result`.
    func request(_ message: JSON) async throws(InputMuxError) -> JSON {
        try await request(message) { (json: JSON) throws(InputMuxError) -> JSON in json }
    }

    /// Sends one of the library's requests and returns the reply's `result`.
    func request(_ r: ClientRequest) async throws(InputMuxError) -> JSON {
        try await request(try r.json())
    }

    /// Writes one message as one line (no id added); false if the connection is gone.
    @discardableResult
    func send(_ message: JSON) -> Bool {
        let line = Self.line(message)
        writeLock.lock()
        defer { writeLock.unlock() }
        return (try? socket.send(line)) != nil
    }

    /// The bytes this library writes for `message`: one line.
    package static func line(_ message: JSON) -> [UInt8] {
        var bytes = message.serializedBytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Says bye and closes. Pending requests fail with `connection_lost`.
    public func close() {
        send((try? ClientRequest.bye.json()) ?? ["type": "bye"])
        finish(InputMuxError(.connectionLost, "the connection to inputmuxd was closed by this client"))
        socket.shutdown()
        // The reader closes the descriptor when it stops; without a reader, close it here.
        if !state.withLock({ $0.reading }) { socket.close() }
    }

    // MARK: - Reading

    /// The longest line read from the daemon; a reply or event longer than this (no
    /// daemon writes one) is skipped. An inline capture is the longest line the daemon
    /// writes: a raw image of 8192×8192 pixels is 256 MiB, about 342 MiB in base64. The
    /// bound only stops a runaway stream; the buffer grows with what actually arrives.
    static let maximumLine = 384 << 20

    private func readLoop() {
        var reader = LineReader(maximumLine: Self.maximumLine)
        var descriptors = ReceivedDescriptors()
        while true {
            do {
                guard let line = try reader.readLine(from: socket.descriptor, descriptors: &descriptors.queue) else { break }
                dispatch(line, descriptors: &descriptors)
            } catch {
                if case .lineTooLong = error { continue }
                break
            }
        }
        descriptors.closeAll()
        finish(Self.lost(socketPath))
        socket.close()
    }

    private func dispatch(_ line: [UInt8], descriptors: inout ReceivedDescriptors) {
        switch DaemonMessage(line: line) {
        case .event(let event):
            state.withLock { $0.onEvent }?(event)
        case .reply(let id, let result):
            // The descriptor is taken even when nobody waits for the reply any more, so
            // the next reply with one pairs with its own.
            let reply = result.flatMap { json -> Result<DaemonReply, InputMuxError> in
                guard json["fd"].bool == true else { return .success(DaemonReply(result: json)) }
                return descriptors.takeContents().map { DaemonReply(result: json, attachment: $0) }
            }
            state.withLock { $0.pending.removeValue(forKey: id) }?(reply)
        case nil:
            return
        }
    }

    /// Marks the connection closed once; fails what was waiting and tells the owner.
    private func finish(_ why: InputMuxError) {
        let (waiting, onClose) = state.withLock { s -> ([@Sendable (Result<DaemonReply, InputMuxError>) -> Void], (@Sendable (InputMuxError) -> Void)?) in
            guard s.closedBy == nil else { return ([], nil) }
            s.closedBy = why
            let waiting = Array(s.pending.values)
            s.pending.removeAll()
            let onClose = s.onClose
            s.onClose = nil
            s.onEvent = nil
            return (waiting, onClose)
        }
        for handler in waiting { handler(.failure(why)) }
        onClose?(why)
    }

    static func lost(_ path: String) -> InputMuxError {
        InputMuxError(.connectionLost,
            "inputmuxd closed the connection on \(path) (it stopped, restarted or refused this session); every lease of this session has ended: connect again and acquire a new lease")
    }
}
