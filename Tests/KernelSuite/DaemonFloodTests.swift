import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// Floods against the real daemon (issue 15): one agent asking for a thousand leases is
/// held to `max_leases_per_session` and the rate limit, its refusals fold in the audit
/// log, and an operator's `status` with more leases than `max_outbound_bytes` can carry
/// is cut to fit instead of closing the operator's connection.
enum DaemonFloodTests {
    static func leaseFloodIsCappedAndStatusNeverDisconnects() throws {
        var options = DaemonUnderTest.Options()
        options.extraTOML = "[limits]\nmax_outbound_bytes = 4096\n"
        let daemon = try DaemonUnderTest(options)
        let flooder = try AgentSession(daemon, name: "flooder")
        var granted = 0, tooMany = 0, limited = 0, other: [String] = []
        let began = MonotonicClock.now()
        for i in 0..<1000 {
            let cell = "\(i % 40 * 48),\(i / 40 * 40),48x40"
            let r = try flooder.client.request(["type": "acquire", "region": .string(cell), "mode": "try"])
            if r["ok"] == true { granted += 1; continue }
            switch r["error"]["code"].string {
            case "too_many_leases": tooMany += 1
            case "rate_limited": limited += 1
            default: other.append(r["error"]["code"].string ?? "\(r)")
            }
        }
        let seconds = Int((MonotonicClock.now() - began).components.seconds) + 1
        note("1000 acquires from one agent in about \(seconds) s: \(granted) granted, \(tooMany) too_many_leases, \(limited) rate_limited")
        try expectEqual(granted, 8, "leases granted to one session (max_leases_per_session 8)")
        try expect(tooMany > 0 && limited > 0, "the cap and the rate limit should both refuse: \(tooMany), \(limited)")
        try expect(other.isEmpty, "unexpected refusals: \(other.prefix(5))")

        // Two more agents fill their share: 24 leases, more than 4096 bytes of status.
        var others: [AgentSession] = []   // kept: a closed connection ends its session's leases
        for (k, name) in ["second", "third"].enumerated() {
            let a = try AgentSession(daemon, name: name)
            others.append(a)
            for j in 0..<8 {
                let i = 500 + k * 8 + j
                _ = try a.acquire("\(i % 40 * 48),\(i / 40 * 40),48x40", mode: "try")
            }
        }
        let op = try daemon.control()
        let status = try op.request(["type": "status"])
        try expect(status["ok"] == true, "status refused: \(status)")
        try expectEqual(status["result"]["truncated"].bool, true, "a status over half of max_outbound_bytes is cut")
        let held = status["result"]["held"].elements.count
        try expectEqual((status["result"]["omitted"]["held"].int64 ?? 0) + Int64(held), 24, "held shown plus omitted")
        // The operator's connection still works.
        let again = try op.request(["type": "status"])
        try expect(again["ok"] == true, "the operator's second status: \(again)")
        try expectEqual(others.count, 2, "agents kept")

        // The flood's refusals are folded: a few records, not a thousand.
        MonotonicClock.sleep(.milliseconds(1500))
        _ = try flooder.client.request(["type": "heartbeat"])   // closes the fold windows
        MonotonicClock.sleep(.milliseconds(500))
        let path = daemon.directory + "/audit.jsonl"
        let lines = (readFileText(path) ?? "").split(separator: "\n").filter { $0.contains("\"name\":\"flooder\"") }
        // Per second of flood and kind of refusal (too_many_leases, rate_limited): one
        // record and one count; plus the connect, the grants and the heartbeat.
        let bound = 12 + 4 * (seconds + 2)
        note("\(lines.count) audit records name the flooder (bound \(bound))")
        try expect(lines.count <= bound, "the flood wrote \(lines.count) audit records, more than \(bound)")
        try expect(lines.contains { $0.contains("\"repeated\":") }, "no folded record with a count")
    }
}
