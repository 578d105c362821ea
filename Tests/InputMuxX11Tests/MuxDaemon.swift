import Foundation
import Glibc
import InputMuxHarness

/// A real `inputmuxd` (the one this test build produced) in XTest mode on a test's Xvfb,
/// with its sockets, audit log and key in a private temporary directory.
final class MuxDaemon {
    let dir: String
    let child: ChildProcess
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
        try HarnessFiles.temporaryDirectory("inputmux-x11")
    }

    /// `extra` is appended to the configuration. `unprivileged`: when the tests run as
    /// root, the daemon runs as nobody (through setpriv), with its directory owned by nobody.
    /// `firstPolicy`: `[[policy]]` rules placed before the catch-all one (the first rule
    /// matching a peer and name applies).
    /// `seats`: each session gets a seat of its own (an XInput2 master pair), the default.
    init(display: String, pauseOnForeign: Bool = false, seats: Bool = true, unprivileged: Bool = false, extra: String = "",
         firstPolicy: String = "") throws {
        dir = try Self.temporaryDirectory()
        let asNobody = unprivileged && getuid() == 0
        let config = Self.configuration(directory: dir, display: display, pauseOnForeign: pauseOnForeign, seats: seats,
                                        policyUID: asNobody ? 65534 : getuid(), extra: extra, firstPolicy: firstPolicy)
        try config.write(toFile: dir + "/inputmux.toml", atomically: true, encoding: .utf8)
        let args = ["--config", dir + "/inputmux.toml", "--log-level", "warning"]
        if asNobody {
            guard chown(dir, 65534, 65534) == 0, chown(dir + "/inputmux.toml", 65534, 65534) == 0 else {
                throw X11TestFailure("cannot hand \(dir) to nobody: errno \(errno)")
            }
        }
        let command = (asNobody ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []) + [try Self.executable()] + args
        child = try DaemonProcess.start(command, readiness: .socketExists(dir + "/control.sock"))
    }

    /// The configuration the tests' daemons run with: its sockets, audit log and key in
    /// `directory`, XTest output on `display`, paced, everything allowed for `policyUID`.
    static func configuration(directory: String, display: String, pauseOnForeign: Bool = false, seats: Bool = true,
                              policyUID: UInt32 = getuid(), extra: String = "", firstPolicy: String = "") -> String {
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
        seats = \(seats)
        [pacing]
        enabled = true
        [limits]
        rate_per_second = 1000
        burst = 1000
        \(firstPolicy)
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
    let connection: LineConnection
    private var nextID = 1
    /// Events received while waiting for replies.
    private(set) var events: [[String: Any]] = []
    private var replies: [Int: [String: Any]] = [:]
    /// The hello reply's result (`desktop`, `devices`, …).
    private(set) var hello: [String: Any] = [:]

    init(socket path: String, name: String) throws {
        connection = try LineConnection(path: path, timeout: .zero)
        let hello = try request(["type": "hello", "protocol": 1, "name": name])
        guard hello["ok"] as? Bool == true else { throw X11TestFailure("hello refused: \(hello)") }
        self.hello = hello["result"] as? [String: Any] ?? [:]
    }

    /// Sends a request without waiting; returns its id.
    @discardableResult
    func send(_ message: [String: Any]) -> Int {
        var m = message
        let id = nextID
        nextID += 1
        m["id"] = id
        var data = try! JSONSerialization.data(withJSONObject: m)
        data.append(10)
        connection.send(data)
        return id
    }

    /// Waits for the reply to `id`.
    func reply(to id: Int, timeout: Double = 20) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while replies[id] == nil {
            guard Date() < deadline else {
                throw X11TestFailure("no reply to request \(id) within \(timeout) s (connection \(connection.closed ? "closed" : "open"), "
                    + "replies waiting for \(replies.keys.sorted()), \(events.count) events)")
            }
            for line in connection.readLines(timeout: .milliseconds(100)) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
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
            for line in connection.readLines(timeout: .milliseconds(100)) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
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
