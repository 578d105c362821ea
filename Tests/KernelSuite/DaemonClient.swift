import Glibc
import InputMuxHarness
import InputMuxSystem
import SystemPackage
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// A small NDJSON client for the daemon's agent and control sockets: one JSON object per
/// line; requests carry an `id` echoed in their reply; events arrive in between.
final class DaemonClient {
    let connection: LineConnection
    let socketPath: String
    var nextID: Int64 = 1
    /// Events (and replies nobody waited for) in arrival order, not yet taken.
    private(set) var pending: [JSON] = []
    /// Every message received, for failure messages.
    private(set) var received: [JSON] = []
    var closed: Bool { connection.closed }

    /// Connects (retrying briefly while the daemon creates the socket).
    init(_ path: String, timeout: Duration = .seconds(5)) throws {
        socketPath = path
        connection = try LineConnection(path: path, timeout: timeout)
    }

    /// Takes over a socket already connected (by a helper process, for SO_PEERCRED tests).
    init(connected fd: Int32, path: String) {
        connection = LineConnection(adopting: UnixSocket(adopting: FileDescriptor(rawValue: fd), path: path))
        socketPath = path
    }

    var fd: Int32 { connection.socket.descriptor.rawValue }

    // MARK: - Sending

    /// Writes raw bytes (for malformed input); false when the daemon closed the socket.
    @discardableResult
    func sendBytes(_ bytes: [UInt8]) -> Bool {
        connection.send(bytes)
    }

    /// Sends `message` with a fresh id; returns the id.
    @discardableResult
    func send(_ message: JSON) -> Int64 {
        let id = nextID
        nextID += 1
        sendBytes(Array((message.with("id", .int(id)).line + "\n").utf8))
        return id
    }

    /// Sends and waits for the reply with the same id.
    func request(_ message: JSON, timeout: Duration = .seconds(10)) throws -> JSON {
        let id = send(message)
        return try reply(to: id, timeout: timeout)
    }

    func reply(to id: Int64, timeout: Duration = .seconds(10)) throws -> JSON {
        if let r = take(where: { $0["type"] == "reply" && $0["id"].int64 == id }, timeout: timeout) { return r }
        throw TestFailure("no reply to request \(id) on \(socketPath) within \(timeout); received \(received.suffix(8))")
    }

    // MARK: - Receiving

    /// Takes the first pending message that matches, reading until `timeout`.
    func take(where match: (JSON) -> Bool, timeout: Duration) -> JSON? {
        let start = MonotonicClock.now()
        while true {
            if let i = pending.firstIndex(where: match) { return pending.remove(at: i) }
            let left = timeout - (MonotonicClock.now() - start)
            if left <= .zero || closed { return nil }
            pump(timeout: left)
        }
    }

    /// The first pending event named `name` (and matching `match`), waiting up to `timeout`.
    func event(_ name: String, timeout: Duration = .seconds(5), where match: (JSON) -> Bool = { _ in true }) -> JSON? {
        take(where: { $0["type"] == "event" && $0["event"].string == name && match($0) }, timeout: timeout)
    }

    /// Events received so far (read what is there, without waiting long).
    func events(settle: Duration = .milliseconds(50)) -> [JSON] {
        pump(timeout: settle)
        return pending.filter { $0["type"] == "event" }
    }

    /// Reads what arrives within `timeout` (returns after the first read).
    func pump(timeout: Duration) {
        for line in connection.readLines(timeout: min(timeout, .seconds(60))) {
            if let j = JSON.parse(line[...]) {
                pending.append(j)
                received.append(j)
            } else {
                received.append(.string("unparsable: " + String(decoding: line, as: UTF8.self)))
            }
        }
    }

    /// Waits until the daemon closes the connection; true if it did within `timeout`.
    func waitClosed(timeout: Duration) -> Bool {
        let start = MonotonicClock.now()
        while !closed && MonotonicClock.now() - start < timeout { pump(timeout: .milliseconds(50)) }
        return closed
    }
}

/// An agent session: its connection, identity and the virtual devices the daemon made.
final class AgentSession {
    let client: DaemonClient
    let name: String
    let session: Int64
    let identity: JSON
    let pointerNode: String
    let keyboardNode: String
    let pointer: EvdevReader
    let keyboard: EvdevReader

    init(_ daemon: DaemonUnderTest, name: String) throws {
        client = try DaemonClient(daemon.agentSocket)
        self.name = name
        let hello = try client.request(["type": "hello", "protocol": 1, "name": .string(name)])
        guard hello["ok"] == true, let sid = hello["result"]["session"].int64,
              let p = hello["result"]["devices"]["pointer"].string, let k = hello["result"]["devices"]["keyboard"].string else {
            throw TestFailure("hello as \(name) failed: \(hello)")
        }
        session = sid
        identity = hello["result"]["identity"]
        pointerNode = p
        keyboardNode = k
        pointer = try EvdevReader(p)
        keyboard = try EvdevReader(k)
    }

    /// Acquires a lease; returns the reply's result (state, lease, reason, …).
    func acquire(_ region: String, keyboard: Bool = false, mode: String = "wait") throws -> JSON {
        let r = try client.request(["type": "acquire", "region": .string(region), "keyboard": .bool(keyboard), "mode": .string(mode)])
        guard r["ok"] == true else { throw TestFailure("\(name): acquire \(region) refused: \(r)") }
        return r["result"]
    }

    /// Acquires and expects the lease to be active at once; returns its id.
    func lease(_ region: String, keyboard: Bool = false) throws -> String {
        let result = try acquire(region, keyboard: keyboard)
        guard result["state"] == "active", let id = result["lease"]["id"].string else {
            throw TestFailure("\(name): lease on \(region) not granted at once: \(result)")
        }
        return id
    }

    /// Sends a gesture and waits for its reply (sent when its last frame is out).
    func gesture(_ fields: JSON, timeout: Duration = .seconds(10)) throws -> JSON {
        try client.request(fields.with("type", "gesture"), timeout: timeout)
    }

    /// A gesture that must be carried out.
    func perform(_ fields: JSON) throws {
        let r = try gesture(fields)
        if r["ok"] != true { throw TestFailure("\(name): \(fields) refused: \(r)") }
    }

    /// A gesture that must be refused with `code`.
    func refused(_ fields: JSON, _ code: String) throws -> JSON {
        let r = try gesture(fields)
        try expect(r["ok"] == false && r["error"]["code"].string == code,
                   "\(name): \(fields) should be refused with \(code): \(r)")
        return r
    }
}
