import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// A blocking NDJSON client of inputmuxd's sockets, for benchmarks: one JSON object per
/// line; replies carry the request's id; events arrive in between and are kept aside.
final class BenchClient {
    private let connection: LineConnection
    /// The socket's descriptor, for polling it beside others.
    var fd: Int32 { connection.socket.descriptor.rawValue }
    private var nextID: Int64 = 1
    private var pending: [JSONValue] = []

    init(_ path: String, timeout: Duration = .seconds(10)) throws {
        do { connection = try LineConnection(path: path, timeout: timeout) } catch { throw BenchError(error.description) }
    }

    /// Sends `message` with a fresh id; returns the id.
    @discardableResult
    func send(_ message: JSONValue) -> Int64 {
        let id = nextID
        nextID += 1
        guard case .object(var o) = message else { return id }
        o["id"] = .int(id)
        var bytes = JSONValue.object(o).serializedBytes
        bytes.append(UInt8(ascii: "\n"))
        connection.send(bytes)
        return id
    }

    /// Waits for the reply to request `id`.
    func reply(to id: Int64, timeout: Duration = .seconds(30)) throws -> JSONValue {
        let start = MonotonicClock.now()
        while true {
            if let i = pending.firstIndex(where: { $0["type"] == "reply" && $0["id"] == .int(id) }) {
                return pending.remove(at: i)
            }
            let left = timeout - (MonotonicClock.now() - start)
            guard left > .zero else { throw BenchError("no reply to request \(id) within \(timeout)") }
            try pump(timeoutMs: Int32(max(1, min(left.nanosecondCount / 1_000_000, 60_000))))
        }
    }

    func request(_ message: JSONValue, timeout: Duration = .seconds(30)) throws -> JSONValue {
        try reply(to: send(message), timeout: timeout)
    }

    /// A request that must succeed; returns its `result`.
    func ok(_ message: JSONValue, timeout: Duration = .seconds(30)) throws -> JSONValue {
        let r = try request(message, timeout: timeout)
        guard r["ok"] == .bool(true) else { throw BenchError("\(message.serialized) refused: \(r.serialized)") }
        return r["result"]
    }

    /// Waits for an event that `match` accepts (events already received included) and
    /// takes it from the queue.
    func event(timeout: Duration = .seconds(30), _ match: (JSONValue) -> Bool) throws -> JSONValue {
        let start = MonotonicClock.now()
        while true {
            if let i = pending.firstIndex(where: { $0["type"] == "event" && match($0) }) { return pending.remove(at: i) }
            let left = timeout - (MonotonicClock.now() - start)
            guard left > .zero else { throw BenchError("no such event within \(timeout)") }
            try pump(timeoutMs: Int32(max(1, min(left.nanosecondCount / 1_000_000, 60_000))))
        }
    }

    /// Drops the events received so far (keeps the queue of unread messages short).
    func discardEvents() { pending.removeAll { $0["type"] == "event" } }

    private func pump(timeoutMs: Int32) throws {
        let lines = connection.readLines(timeout: .milliseconds(Int64(timeoutMs)))
        for line in lines {
            if let v = JSONValue.parse(line[...]) { pending.append(v) }
        }
        if lines.isEmpty && connection.closed { throw BenchError("the daemon closed the connection") }
        if pending.count > 4096 { discardEvents() }
    }
}

/// An agent session for benchmarks: hello done, its devices known.
final class BenchAgent {
    let client: BenchClient
    let session: Int64
    let pointerNode: String
    let keyboardNode: String

    init(socket: String, name: String) throws {
        client = try BenchClient(socket)
        let r = try client.ok(["type": "hello", "protocol": 1, "name": .string(name)], timeout: .seconds(120))
        guard case .int(let sid) = r["session"], let p = r["devices"]["pointer"].string,
              let k = r["devices"]["keyboard"].string else {
            throw BenchError("hello as \(name): unexpected reply \(r.serialized)")
        }
        session = sid
        pointerNode = p
        keyboardNode = k
    }

    /// Acquires a lease that must be granted at once; returns its id.
    func lease(_ region: String, keyboard: Bool = false) throws -> JSONValue {
        let r = try client.ok(["type": "acquire", "region": .string(region), "keyboard": .bool(keyboard), "mode": "try"])
        guard r["state"] == "active" else { throw BenchError("lease on \(region) not granted: \(r.serialized)") }
        return r["lease"]["id"]
    }
}

