import InputMuxCLI
import InputMuxClient
import InputMuxCore
import InputMuxTestSupport
import InputMuxWire
import Testing

@testable import InputMuxDaemon

/// A `status` over thousands of leases fits the output bound instead of disconnecting
/// the operator who asked (issue 15).
@Suite struct StatusFittingTests {
    /// An engine's status with `n` leases held by n/8 sessions, in disjoint cells.
    static func snapshot(leases n: Int) -> StatusSnapshot {
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        config.rateLimit = .unlimited
        var engine = Engine(config: config)
        var out = CollectingOutput()
        for i in 0..<max(1, n / 8) {
            engine.handle(.connect(AgentIdentity(name: "agent-\(i + 1)", session: SessionID(UInt32(i + 1))), .agent), at: .zero, into: &out)
        }
        for i in 0..<n {
            let cell = Region(x: Int32(i % 100) * 19, y: Int32(i / 100) * 6, width: 19, height: 6)
            engine.handle(.agent(SessionID(UInt32(i / 8 + 1)), RequestID(UInt64(i + 1)),
                                 .acquire(LeaseRequest(.region(cell), mode: .try))), at: .zero, into: &out)
            out.records.removeAll(keepingCapacity: true)
        }
        return engine.status(for: .operator(OperatorID(1)))
    }

    @Test func aStatusOverTheBoundIsCutToFitAndSaysWhatItLeftOut() throws {
        let s = Self.snapshot(leases: 16_000)
        let budget = 1_048_576 / 2
        // The whole reply would pass the default max_outbound_bytes (1 MiB) by itself.
        #expect(WireEncoding.encodedSize(WireEncoding.reply(.status(s), id: RequestID(1))) > 1_048_576)
        let fitted = WireEncoding.statusReply(s, id: RequestID(1), budget: budget)
        #expect(WireEncoding.encodedSize(fitted) <= budget)
        let result = try #require(fitted.object?["result"]?.object)
        #expect(result["truncated"] == true)
        let omitted = try #require(result["omitted"]?.object)
        let held = try #require(result["held"]?.array)
        #expect(s.held.count == 16_000)
        #expect(held.count > 1000)
        #expect(omitted["held"] == .int(Int64(16_000 - held.count)))
        #expect(fitted.object?["ok"] == true)
    }

    @Test func muxctlStatusSaysWhatWasLeftOut() throws {
        let s = Self.snapshot(leases: 16_000)
        let fitted = WireEncoding.statusReply(s, id: RequestID(1), budget: 1_048_576 / 2)
        let r = try #require(fitted.object?["result"]).decode(StatusReport.self)
        #expect(r.truncated == true)
        let omitted = try #require(r.omitted)
        #expect(omitted.held == 16_000 - r.held.count)
        let text = StatusView.render(r)
        #expect(text.contains("TRUNCATED"))
        #expect(text.contains("\(omitted.held) held"))
    }

    @Test func aStatusThatFitsIsUnchanged() {
        let s = Self.snapshot(leases: 16)
        #expect(WireEncoding.statusReply(s, id: RequestID(1), budget: 1 << 20) == WireEncoding.reply(.status(s), id: RequestID(1)))
    }
}
