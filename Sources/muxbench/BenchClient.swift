import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// A blocking NDJSON client of inputmuxd's sockets, for benchmarks: one JSON object per
/// line; replies carry the request's id; events arrive in between and are kept aside.
final class BenchClient {
    let fd: Int32
    private var input: [UInt8] = []
    /// Filled by every `recv` (allocated once, not per read).
    private var buffer = [UInt8](repeating: 0, count: 65536)
    private var nextID: Int64 = 1
    private var pending: [JSONValue] = []

    init(_ path: String, timeout: Duration = .seconds(10)) throws {
        let start = MonotonicClock.now()
        while true {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw BenchError("socket: errno \(errno)") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                raw.copyBytes(from: bytes.prefix(raw.count - 1))
                raw[min(bytes.count, raw.count - 1)] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if rc == 0 { self.fd = fd; return }
            let e = errno
            close(fd)
            if MonotonicClock.now() - start > timeout { throw BenchError("cannot connect to \(path): errno \(e)") }
            usleep(20_000)
        }
    }

    deinit { close(fd) }

    /// Sends `message` with a fresh id; returns the id.
    @discardableResult
    func send(_ message: JSONValue) -> Int64 {
        let id = nextID
        nextID += 1
        guard case .object(var o) = message else { return id }
        o["id"] = .int(id)
        var bytes = JSONValue.object(o).serializedBytes
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; break }
            offset += n
        }
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

    /// Drops the events received so far (keeps the queue of unread messages short).
    func discardEvents() { pending.removeAll { $0["type"] == "event" } }

    private func pump(timeoutMs: Int32) throws {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMs) > 0 else { return }
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if n == 0 { throw BenchError("the daemon closed the connection") }
        guard n > 0 else { return }
        input += buffer[0..<n]
        var start = 0
        while let nl = input[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if let v = JSONValue.parse(input[start..<nl]) { pending.append(v) }
            start = nl + 1
        }
        input.removeFirst(start)
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

