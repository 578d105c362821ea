import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// inputmuxd acceptance, audit: every decision names the agent as the kernel knows it.
enum DaemonAuditTests {
    static var ownExecutable: String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    /// 4. The operator's monitor stream identifies the agent (name, session, uid, pid,
    /// exe) for every action, allowed and blocked; typed text appears only redacted.
    static func auditIdentifiesEveryAction() throws {
        let daemon = try DaemonUnderTest()
        let monitor = try daemon.monitor()
        let alice = try AgentSession(daemon, name: "alice")
        let bob = try AgentSession(daemon, name: "bob")
        let lease = try alice.lease("0,0,960x1080", keyboard: true)
        try alice.perform(["action": "click", "x": 10, "y": 20])
        _ = try alice.refused(["action": "click", "x": 1500, "y": 20], "outside_region")
        try alice.perform(["action": "type", "text": "hunter2"])
        _ = try bob.refused(["action": "click", "x": 10, "y": 20], "no_lease")
        let denied = try bob.client.request(["type": "acquire", "region": "0,0,10x10", "mode": "try"])
        try expect(denied["error"]["code"] == "conflict", "bob's try should be denied: \(denied)")
        _ = try alice.client.request(["type": "release", "lease": .string(lease)])

        // Collect until the release shows up (the last action above).
        var audits: [JSON] = []
        let began = MonotonicClock.now()
        while MonotonicClock.now() - began < .seconds(3) {
            guard let e = monitor.event("audit", timeout: .milliseconds(200)) else { continue }
            audits.append(e)
            if e["decision"] == "released", e["agent"]["name"] == "alice" { break }
        }
        let expected: [(agent: String, action: String, decision: String, reason: String?)] = [
            ("alice", "connect", "connected", nil),
            ("bob", "connect", "connected", nil),
            ("alice", "acquire", "granted", nil),
            ("alice", "click", "allowed", nil),
            ("alice", "click", "rejected", "outside_region"),
            ("alice", "type", "allowed", nil),
            ("bob", "click", "rejected", "no_lease"),
            ("bob", "acquire", "rejected", "conflict"),
            ("alice", "lease", "released", "released"),
        ]
        for x in expected {
            let hit = audits.contains {
                $0["agent"]["name"].string == x.agent && $0["action"].string == x.action && $0["decision"].string == x.decision
                    && (x.reason == nil || $0["reason"].string == x.reason)
            }
            try expect(hit, "no audit record \(x) among \(audits.map { "\($0["agent"]["name"]) \($0["action"]) \($0["decision"]) \($0["reason"])" })")
        }
        let sessions = ["alice": alice.session, "bob": bob.session]
        let exe = ownExecutable
        for a in audits where !a["agent"].isNull {
            let who = a["agent"]
            guard let name = who["name"].string, let sid = sessions[name] else {
                throw TestFailure("audit names an unknown agent: \(a)")
            }
            try expectEqual(who["session"].int64, sid, "session in \(a)")
            try expectEqual(who["uid"].int64, Int64(getuid()), "uid in \(a)")
            try expectEqual(who["pid"].int64, Int64(getpid()), "pid in \(a)")
            try expectEqual(who["exe"].string, exe, "exe in \(a)")
        }
        guard let typed = audits.first(where: { $0["action"] == "type" }) else { throw TestFailure("no type audit") }
        try expectEqual(typed["text"]["length"].int64, 7, "redacted text length")
        try expect(!(typed["text"]["hmac"].string ?? "").isEmpty, "redacted text should carry a keyed hash: \(typed)")
        try expect(!monitor.received.contains { $0.line.contains("hunter2") }, "typed text appeared in clear in the audit stream")
        try expect(!daemon.log().contains("hunter2"), "typed text appeared in clear in the daemon's log")
        try daemon.stop()

        // The same decisions in the hash-chained log on disk, and the chain verifies.
        let path = daemon.directory + "/audit.jsonl"
        guard let text = readFileText(path), !text.isEmpty else { throw TestFailure("no audit log at \(path)") }
        let lines = text.split(separator: "\n")
        try expect(!text.contains("hunter2"), "typed text in clear in the audit log")
        let records = lines.compactMap { JSON.parse(Array($0.utf8)) }
        try expectEqual(records.count, lines.count, "parsable audit lines")
        for x in expected {
            let hit = records.first {
                $0["session"]["name"].string == x.agent && $0["action"].string == x.action && $0["decision"].string == x.decision
                    && (x.reason == nil || $0["reason"].string == x.reason)
            }
            guard let hit else { throw TestFailure("no record \(x) in the audit log") }
            try expectEqual(hit["session"]["sid"].int64, sessions[x.agent], "session id on disk for \(x)")
            try expectEqual(hit["session"]["uid"].int64, Int64(getuid()), "uid on disk for \(x)")
            try expectEqual(hit["session"]["pid"].int64, Int64(getpid()), "pid on disk for \(x)")
            try expectEqual(hit["session"]["exe"].string, exe, "exe on disk for \(x)")
        }
        var verifier = AuditVerifier()
        for l in lines { verifier.feed(l) }
        try expect(verifier.finish() == nil, "the audit chain does not verify: \(String(describing: verifier.finish()))")
        try expectEqual(verifier.records, lines.count, "records verified")
        // One edited record breaks it.
        var tampered = AuditVerifier()
        var edited = false
        for l in lines {
            if !edited, l.contains("\"action\":\"click\"") {
                edited = true
                tampered.feed(l.replacingOccurrences(of: "\"action\":\"click\"", with: "\"action\":\"move\""))
            } else {
                tampered.feed(l)
            }
        }
        try expect(edited && tampered.finish() != nil, "an edited record went unnoticed by the chain")
    }
}
