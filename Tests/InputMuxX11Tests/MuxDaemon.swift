import Foundation
import Glibc

/// A real `inputmuxd` (the one this test build produced) in XTest mode on a test's Xvfb,
/// with its sockets, audit log and key in a private temporary directory.
final class MuxDaemon {
    let dir: String
    let child: Child
    var agentSocket: String { dir + "/agent.sock" }
    var controlSocket: String { dir + "/control.sock" }
    var auditPath: String { dir + "/audit.jsonl" }

    /// The inputmuxd beside the test bundle (`swift build --build-tests` builds it).
    static func executable() throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [me, me.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("inputmuxd").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw X11TestFailure("inputmuxd is not built beside the tests (\(me.path)); run `swift build --build-tests` first")
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/inputmux-x11-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw X11TestFailure("mkdtemp failed: errno \(errno)") }
        return String(cString: p)
    }

    /// `extra` is appended to the configuration. `unprivileged`: when the tests run as
    /// root, the daemon runs as nobody (through setpriv), with its directory owned by nobody.
    init(display: String, pauseOnForeign: Bool = false, unprivileged: Bool = false, extra: String = "") throws {
        dir = try Self.temporaryDirectory()
        let asNobody = unprivileged && getuid() == 0
        let config = Self.configuration(directory: dir, display: display, pauseOnForeign: pauseOnForeign,
                                        policyUID: asNobody ? 65534 : getuid(), extra: extra)
        try config.write(toFile: dir + "/inputmux.toml", atomically: true, encoding: .utf8)
        let args = ["--config", dir + "/inputmux.toml", "--log-level", "warning"]
        if asNobody {
            guard chown(dir, 65534, 65534) == 0, chown(dir + "/inputmux.toml", 65534, 65534) == 0 else {
                throw X11TestFailure("cannot hand \(dir) to nobody: errno \(errno)")
            }
            child = try Child("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", try Self.executable()] + args,
                              stderrToNull: false)
        } else {
            child = try Child(try Self.executable(), args, stderrToNull: false)
        }
        let deadline = Date().addingTimeInterval(20)
        while access(dir + "/control.sock", F_OK) != 0 {
            let exit = child.wait(timeout: 0.05)
            if exit != -1 { throw X11TestFailure("inputmuxd exited with status \(exit) before its sockets appeared in \(dir)") }
            if Date() > deadline { throw X11TestFailure("inputmuxd did not start: its sockets never appeared in \(dir)") }
        }
    }

    /// The configuration the tests' daemons run with: its sockets, audit log and key in
    /// `directory`, XTest output on `display`, paced, everything allowed for `policyUID`.
    static func configuration(directory: String, display: String, pauseOnForeign: Bool = false,
                              policyUID: UInt32 = getuid(), extra: String = "") -> String {
        """
        [sockets]
        agent = "\(directory)/agent.sock"
        control = "\(directory)/control.sock"
        agent_group = ""
        control_group = ""
        [audit]
        path = "\(directory)/audit.jsonl"
        key_path = "\(directory)/audit.key"
        [output]
        mode = "xtest"
        [x11]
        enabled = true
        display = "\(display)"
        pause_on_foreign_input = \(pauseOnForeign)
        [pacing]
        enabled = true
        [limits]
        rate_per_second = 1000
        burst = 1000
        [[policy]]
        uid = \(policyUID)
        names = ["*"]
        max_sessions = 16
        \(extra)
        """
    }

    deinit {
        child.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The audit log's records once `written` holds for them (the daemon's audit thread
    /// writes shortly after a decision's reply), or as they are after `timeout`.
    func audit(until written: ([[String: Any]]) -> Bool, timeout: TimeInterval = 5) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let records = audit()
            if written(records) || Date() > deadline { return records }
            usleep(10_000)
        }
    }

    /// The audit log's records once one matching `record` is on disk, or after 5 s.
    func audit(after record: ([String: Any]) -> Bool) -> [[String: Any]] {
        audit(until: { $0.contains(where: record) })
    }

    /// The audit log's records.
    func audit() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: auditPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// One connection speaking the wire protocol (docs/PROTOCOL.md) as raw JSON lines.
final class WireClient {
    let fd: Int32
    private var reader: LineReader
    private var nextID = 1
    /// Events received while waiting for replies.
    private(set) var events: [[String: Any]] = []
    private var replies: [Int: [String: Any]] = [:]
    /// The hello reply's result (`desktop`, `devices`, …).
    private(set) var hello: [String: Any] = [:]

    init(socket path: String, name: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { b in
            for (i, c) in path.utf8.enumerated() where i < b.count - 1 { b[i] = c }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw X11TestFailure("cannot connect to \(path): errno \(errno)") }
        reader = LineReader(fd: fd)
        let hello = try request(["type": "hello", "protocol": 1, "name": name])
        guard hello["ok"] as? Bool == true else { throw X11TestFailure("hello refused: \(hello)") }
        self.hello = hello["result"] as? [String: Any] ?? [:]
    }

    deinit { close(fd) }

    /// Sends a request without waiting; returns its id.
    @discardableResult
    func send(_ message: [String: Any]) -> Int {
        var m = message
        let id = nextID
        nextID += 1
        m["id"] = id
        var data = try! JSONSerialization.data(withJSONObject: m)
        data.append(10)
        data.withUnsafeBytes { _ = Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return id
    }

    /// Waits for the reply to `id`.
    func reply(to id: Int, timeout: Double = 20) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while replies[id] == nil {
            guard Date() < deadline else { throw X11TestFailure("no reply to request \(id) within \(timeout) s") }
            for line in reader.read(timeout: 0.1) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                if o["type"] as? String == "reply", let i = o["id"] as? Int { replies[i] = o } else { events.append(o) }
            }
        }
        return replies.removeValue(forKey: id)!
    }

    func request(_ message: [String: Any]) throws -> [String: Any] { try reply(to: send(message)) }

    /// Waits until an event matches.
    func waitForEvent(timeout: Double = 10, _ match: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = 0
        while true {
            while seen < events.count { if match(events[seen]) { return events[seen] }; seen += 1 }
            if Date() >= deadline { return nil }
            for line in reader.read(timeout: 0.1) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                if o["type"] as? String == "reply", let i = o["id"] as? Int { replies[i] = o } else { events.append(o) }
            }
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    var ok: Bool { self["ok"] as? Bool == true }
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (self["error"] as? [String: Any])?["message"] as? String }
}
