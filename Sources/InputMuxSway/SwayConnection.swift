import InputMuxSystem
import InputMuxWire
import SystemPackage

/// A blocking connection to sway's IPC socket (`sway-ipc(7)`): requests and their
/// replies, and, once subscribed, events. Every wait has a deadline.
///
/// One owner: a connection is used from one thread at a time (like a socket). Events that
/// arrive while a reply is awaited are kept, in order, for `nextEvent`. sway sends events
/// on the connection that subscribed, so a program that both asks and listens usually
/// keeps two connections (i3 clients do the same); this one handles both on one.
public final class SwayConnection {
    public let socketPath: String
    /// How long a request waits for its reply.
    public var timeout: Duration
    private let socket: UnixSocket
    /// Bytes read and not yet taken as a frame.
    private var buffer: [UInt8] = []
    /// Events read while a reply was awaited, oldest first.
    private var queued: [SwayEvent] = []
    /// A request timed out: its reply may still come and would be taken for the next
    /// one's, so no request goes out on this connection any more.
    private var outOfStep = false

    /// A window tree nests two JSON levels per container; this leaves room for deep
    /// split layouts while still bounding the parser's recursion.
    static let maximumJSONDepth = 512

    /// Connects to the socket at `socketPath` (see `SwaySocket.locate` to find it).
    public init(socketPath: String, timeout: Duration = .seconds(5)) throws(SwayError) {
        self.socketPath = socketPath
        self.timeout = timeout
        do { socket = try UnixSocket.connect(to: socketPath) } catch { throw SwayError(connecting: socketPath, error) }
    }

    deinit { socket.close() }

    /// The socket's descriptor, for a poll loop: readable when sway sent something.
    /// Events already read while a reply was awaited are not on it: drain `nextEvent`
    /// with a zero timeout before sleeping.
    public var fileDescriptor: Int32 { socket.descriptor.rawValue }

    /// Sends a request and returns its reply's JSON. The corresponding C functions are
    /// `send` and `read`.
    public func request(_ type: SwayMessageType, _ payload: String = "") throws(SwayError) -> JSON {
        guard !outOfStep else { throw .outOfStep(socketPath) }
        let frame = SwayFrame(type: type.rawValue, payload: Array(payload.utf8))
        do { try socket.send(frame.encoded) } catch {
            if error.errno == .brokenPipe || error.errno == .connectionReset { throw .closed(socketPath) }
            throw .socket(error)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let reply = try readFrame(until: deadline) else {
                outOfStep = true
                throw .timedOut(what: "\(type)", after: timeout, socket: socketPath)
            }
            if let kind = SwayEventKind(messageType: reply.type) {
                queued.append(try SwayEvent(kind: kind, payload: json(reply.payload, what: "a \(kind) event")))
                continue
            }
            guard reply.type == type.rawValue else {
                throw .malformedReply(what: "\(type)", detail: "a reply of type \(reply.type) came instead")
            }
            return try json(reply.payload, what: "\(type)")
        }
    }

    /// Subscribes this connection to `kinds`; their events then come from `nextEvent`.
    public func subscribe(_ kinds: [SwayEventKind]) throws(SwayError) {
        let names = kinds.compactMap(\.subscriptionName)
        let reply = try request(.subscribe, JSON.array(names.map(JSON.string)).serialized)
        guard let ok = reply["success"].bool else {
            throw .malformedReply(what: "SUBSCRIBE", detail: "no \"success\" member")
        }
        guard ok else { throw .subscriptionRefused(names) }
    }

    /// The next event, waiting at most `timeout`; nil when none came in that time.
    public func nextEvent(timeout: Duration) throws(SwayError) -> SwayEvent? {
        if !queued.isEmpty { return queued.removeFirst() }
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let frame = try readFrame(until: deadline) else { return nil }
            guard let kind = SwayEventKind(messageType: frame.type) else {
                throw .malformedReply(what: "an event", detail: "a reply of type \(frame.type) came with no request")
            }
            return try SwayEvent(kind: kind, payload: json(frame.payload, what: "a \(kind) event"))
        }
    }

    /// Waits for the first event that `wanted` accepts, for at most `timeout`; the events
    /// passed over on the way are dropped. Nil when none came in time.
    public func waitForEvent(timeout: Duration, _ wanted: (SwayEvent) -> Bool) throws(SwayError) -> SwayEvent? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let event = try nextEvent(timeout: left) else { return nil }
            if wanted(event) { return event }
        }
    }

    /// The next whole frame, reading as needed until `deadline`; nil when it passed first.
    /// A deadline already passed (a zero timeout) still reads what is on the socket now:
    /// a caller that polled the descriptor and found it readable must get what is there,
    /// or the descriptor stays readable and its poll loop spins.
    private func readFrame(until deadline: ContinuousClock.Instant) throws(SwayError) -> SwayFrame? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let frame = try takeFrame() { return frame }
            let left = deadline - ContinuousClock.now
            guard socket.descriptor.waitReadable(timeout: max(left, .zero)) else { return nil }
            let received = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) -> Int in try socket.receive(into: raw) }
            }
            let n: Int
            switch received {
            case .success(let count): n = count
            case .failure(let error):
                if error.errno == .connectionReset { throw .closed(socketPath) }
                throw .socket(error)
            }
            guard n > 0 else { throw .closed(socketPath) }
            buffer += chunk[0..<n]
        }
    }

    /// A whole frame from the front of `buffer`, or nil when not all of it is there yet.
    private func takeFrame() throws(SwayError) -> SwayFrame? {
        guard buffer.count >= SwayFrame.headerSize else { return nil }
        guard let (length, type) = SwayFrame.header(buffer[0..<SwayFrame.headerSize]) else {
            let start = String(decoding: buffer.prefix(6), as: UTF8.self)
            throw .malformedReply(what: "a message", detail: "it starts with \"\(start)\", not the magic \"i3-ipc\"")
        }
        guard length <= SwayFrame.maximumPayload else {
            throw .malformedReply(what: "a message", detail: "a payload of \(length) bytes, more than \(SwayFrame.maximumPayload)")
        }
        guard buffer.count >= SwayFrame.headerSize + length else { return nil }
        let payload = Array(buffer[SwayFrame.headerSize..<(SwayFrame.headerSize + length)])
        buffer.removeFirst(SwayFrame.headerSize + length)
        return SwayFrame(type: type, payload: payload)
    }

    private func json(_ payload: [UInt8], what: String) throws(SwayError) -> JSON {
        guard let value = JSON.parse(payload, maximumDepth: Self.maximumJSONDepth) else {
            let start = String(decoding: payload.prefix(40), as: UTF8.self)
            throw .malformedReply(what: what, detail: "the payload is not JSON: \"\(start)\"")
        }
        return value
    }
}
