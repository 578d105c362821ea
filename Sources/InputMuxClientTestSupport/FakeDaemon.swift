import Foundation
import Glibc
import InputMuxClient
import InputMuxSystem
import InputMuxWire
import Synchronization

/// An in-process stand-in for inputmuxd, for host tests of clients (the library, muxctl,
/// the MCP server): a real Unix socket speaking the NDJSON framing,
/// answering through a handler the test gives. It records every message it receives.
public final class FakeDaemon: Sendable {
    public let path: String
    private let listener: UnixSocket
    private let state = Mutex(State())
    public let handler: @Sendable (JSON, FakeConnection) -> Void

    private struct State {
        public var received: [JSON] = []
        public var connections: [FakeConnection] = []
        var nextSession = 1
        var stopped = false
    }

    /// `handler` answers each message; `FakeDaemon.standard` plays a small daemon.
    public init(handler: @escaping @Sendable (JSON, FakeConnection) -> Void = FakeDaemon.standard) throws {
        path = NSTemporaryDirectory() + "imx-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        unlink(path)
        listener = try UnixSocket.listen(at: path)
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Every message received so far, in order, on every connection.
    public var received: [JSON] { state.withLock { $0.received } }
    public var connections: [FakeConnection] { state.withLock { $0.connections } }

    /// Messages of `type` (and gesture `action`) received so far.
    public func received(_ type: String, action: String? = nil) -> [JSON] {
        received.filter { $0["type"].string == type && (action == nil || $0["action"].string == action) }
    }

    /// Waits (polling) until `condition` holds or `timeout` passes. The default is
    /// generous: it only costs time when the condition never holds, and on two busy cores
    /// other tests can keep this task off the cooperative pool for seconds.
    public func eventually(_ timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// Closes every connection, as a daemon that stops would.
    public func dropAll() {
        for c in connections { c.drop() }
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        listener.shutdown()
        listener.close()
        dropAll()
        unlink(path)
    }

    private func acceptLoop() {
        while !state.withLock({ $0.stopped }) {
            guard let socket = try? listener.accept() else { return }
            let session = state.withLock { s in
                defer { s.nextSession += 1 }
                return s.nextSession
            }
            let c = FakeConnection(socket, session: session)
            state.withLock { $0.connections.append(c) }
            let thread = Thread { [self] in c.readLoop { message in
                state.withLock { $0.received.append(message) }
                handler(message, c)
            } }
            thread.start()
        }
    }

    /// A daemon in miniature: hello with a 1920x1080 desktop, leases granted at once on
    /// a free region (try: conflict; wait: queued), gestures done, status listing leases,
    /// captures of the whole desktop (`FakeCapture.answer`).
    public static let standard: @Sendable (JSON, FakeConnection) -> Void = { m, c in
        switch m["type"].string {
        case "hello": c.reply(m, helloResult(session: c.session, name: m["name"].string ?? "op"))
        case "acquire": c.reply(m, ["state": "active", "lease": lease("L\(c.session)", session: c.session, region: m["region"].string ?? "0,0,1920x1080")])
        case "status": c.reply(m, ["time_ms": 1000, "held": [], "waiting": [], "sessions": [], "seat_queue": 0, "cancel_targets": []])
        case "capture": FakeCapture.answer(m, c)
        default: c.reply(m, ["done": true])
        }
    }

    public static func helloResult(session: Int, name: String) -> JSON {
        ["protocol": 1, "session": .int(Int64(session)),
         "identity": identity(name, session),
         "desktop": ["x": 0, "y": 0, "width": 1920, "height": 1080, "text": "0,0,1920x1080"],
         "devices": ["pointer": "/dev/input/event7", "keyboard": "/dev/input/event8"],
         "limits": ["max_message_bytes": 65536, "max_in_flight": 32, "max_text_length": 4096, "max_path_points": 1024]]
    }

    public static func identity(_ name: String, _ session: Int) -> JSON {
        ["name": .string(name), "session": .int(Int64(session)), "uid": 1000, "gid": 1000, "pid": 42, "exe": "/usr/bin/agent"]
    }

    public static func lease(_ id: String, session: Int, name: String = "agent", region: String = "0,0,1920x1080",
                      state: String = "active", keyboard: Bool = false, ttlMs: Int64 = 30000) -> JSON {
        let r = Region(parsing: region)!
        return ["id": .string(id), "holder": identity(name, session), "state": .string(state),
                "region": ["x": .int(Int64(r.x)), "y": .int(Int64(r.y)), "width": .int(Int64(r.width)), "height": .int(Int64(r.height)), "text": .string(r.description)],
                "pointer": true, "keyboard": .bool(keyboard), "requested_ms": 1000, "granted_ms": 1000, "expires_ms": .int(1000 + ttlMs)]
    }
}

/// One accepted connection of the fake daemon.
public final class FakeConnection: Sendable {
    let socket: UnixSocket
    public let session: Int
    /// Guards writes and the descriptor's life: once closed, its number may belong to
    /// another test's socket, so nothing touches it again.
    private let writeLock = NSLock()
    private let closed = Mutex(false)

    init(_ socket: UnixSocket, session: Int) {
        self.socket = socket
        self.session = session
    }

    public func send(_ message: JSON) {
        let bytes = Array((message.serialized + "\n").utf8)
        writeLock.lock()
        defer { writeLock.unlock() }
        if closed.withLock({ $0 }) { return }
        try? socket.send(bytes)
    }

    /// Runs `body` holding the write lock, unless the connection is closed.
    func withWriteLock(_ body: () -> Void) {
        writeLock.lock()
        defer { writeLock.unlock() }
        if closed.withLock({ $0 }) { return }
        body()
    }

    public func reply(_ request: JSON, _ result: JSON) {
        send(["type": "reply", "id": request["id"], "ok": true, "result": result])
    }

    public func fail(_ request: JSON, _ code: String, _ message: String) {
        send(["type": "reply", "id": request["id"], "ok": false, "error": ["code": .string(code), "message": .string(message)]])
    }

    public func event(_ fields: JSON) { send(fields.with("type", "event")) }

    public func drop() {
        writeLock.lock()
        defer { writeLock.unlock() }
        if !closed.withLock({ $0 }) { socket.shutdown() }
    }

    func readLoop(_ onMessage: (JSON) -> Void) {
        var reader = LineReader(maximumLine: 16 << 20)
        while let line = try? reader.readLine(from: socket.descriptor) {
            if let m = JSON.parse(line) { onMessage(m) }
        }
        writeLock.lock()
        closed.withLock { $0 = true }
        socket.close()
        writeLock.unlock()
    }
}

/// A daemon that takes its time over gestures (each answered `delay` later, from another
/// thread, as a paced gesture would be) and counts how many were unanswered at once.
public final class SlowGestures: Sendable {
    private let counts = Mutex((now: 0, most: 0))
    private let delay: Duration

    public init(delay: Duration = .milliseconds(10)) { self.delay = delay }

    /// The most gestures that were in flight together.
    public var mostInFlight: Int { counts.withLock { $0.most } }

    /// The handler: gestures slowly, everything else as `FakeDaemon.standard`.
    public var handler: @Sendable (JSON, FakeConnection) -> Void {
        { [self] m, c in
            guard m["type"] == "gesture" else { return FakeDaemon.standard(m, c) }
            counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            let micros = useconds_t(delay.components.attoseconds / 1_000_000_000_000)
            Thread.detachNewThread { [self] in
                usleep(micros)
                counts.withLock { $0.now -= 1 }
                c.reply(m, ["done": true])
            }
        }
    }
}
