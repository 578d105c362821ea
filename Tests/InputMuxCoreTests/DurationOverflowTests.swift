import Testing
@testable import InputMuxCore
import InputMuxTestSupport

/// Durations from clients never wrap (issue 15, "Small traps": `timeout_ms=9223372036855`
/// became a negative duration, so the queue deadline lay in the past).
@Suite struct DurationOverflowTests {
    @Test func nanosecondCountSaturatesInsteadOfWrapping() {
        #expect(Duration.milliseconds(9_223_372_036_855).nanosecondCount == .max)
        #expect(Duration.milliseconds(-9_223_372_036_855).nanosecondCount == .min)
        #expect(Duration.milliseconds(9_223_372_036_854).nanosecondCount == 9_223_372_036_854_000_000)
        #expect(Duration.seconds(Int64.max).nanosecondCount == .max)
        #expect((Instant(nanoseconds: 5) + .milliseconds(9_223_372_036_855)).nanoseconds == .max)
        #expect((Instant(nanoseconds: -5) - .milliseconds(9_223_372_036_855)).nanoseconds == .min)
    }

    @Test func aHugeQueueTimeoutWaitsInsteadOfLapsingAtOnce() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        let r = B.acquire(leftHalf, mode: .wait(timeout: .milliseconds(9_223_372_036_855)))
        let id = r.leaseID!
        #expect(r.queuePosition == 1)
        t.run(for: 5.s)
        #expect(t.engine.leases[id]?.state == .queued)
        #expect(!B.events.contains { if case .ended(id, _) = $0 { true } else { false } })
    }
}
