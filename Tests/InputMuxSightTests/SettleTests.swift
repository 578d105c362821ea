import InputMuxCore
import InputMuxSight
import Testing

/// Settling on a virtual clock: never before the action's change, soon after it.
@Suite struct SettleTests {
    static func ms(_ v: Int64) -> Instant { Instant(nanoseconds: v * 1_000_000) }
    let rule = SettleRule(quiet: .milliseconds(100), maximum: .seconds(2))

    @Test func aStillScreenWithNoRecentActionIsCapturedAtOnce() {
        let s = Settle(rule: rule, started: Self.ms(10_000), lastAction: nil)
        #expect(s.decide(now: Self.ms(10_000), lastChange: Self.ms(5_000)) == .capture(settled: true))
        #expect(s.decide(now: Self.ms(10_000), lastChange: nil) == .capture(settled: true))
    }

    @Test func aChangingScreenWaitsForQuiet() {
        let s = Settle(rule: rule, started: Self.ms(1_000), lastAction: nil)
        #expect(s.decide(now: Self.ms(1_000), lastChange: Self.ms(950)) == .wait(until: Self.ms(1_050)))
        #expect(s.decide(now: Self.ms(1_050), lastChange: Self.ms(950)) == .capture(settled: true))
    }

    @Test func afterAnActionItWaitsForTheChangeEvenPastTheQuietTime() {
        // The app repaints 300 ms after the click; the capture comes 5 ms after it.
        let s = Settle(rule: rule, started: Self.ms(1_005), lastAction: Self.ms(1_000))
        #expect(s.decide(now: Self.ms(1_005), lastChange: Self.ms(400)) == .wait(until: Self.ms(3_000)))
        #expect(s.decide(now: Self.ms(1_200), lastChange: Self.ms(400)) == .wait(until: Self.ms(3_000)))
        // The repaint: quiet 100 ms after it, and not a moment before.
        #expect(s.decide(now: Self.ms(1_300), lastChange: Self.ms(1_300)) == .wait(until: Self.ms(1_400)))
        #expect(s.decide(now: Self.ms(1_399), lastChange: Self.ms(1_300)) == .wait(until: Self.ms(1_400)))
        #expect(s.decide(now: Self.ms(1_400), lastChange: Self.ms(1_300)) == .capture(settled: true))
    }

    @Test func anActionThatChangesNothingEndsAtTheMaximumUnsettled() {
        let s = Settle(rule: rule, started: Self.ms(1_000), lastAction: Self.ms(1_000))
        #expect(s.decide(now: Self.ms(2_999), lastChange: nil) == .wait(until: Self.ms(3_000)))
        #expect(s.decide(now: Self.ms(3_000), lastChange: nil) == .capture(settled: false))
    }

    @Test func anOldActionIsNotAwaited() {
        let s = Settle(rule: rule, started: Self.ms(10_000), lastAction: Self.ms(1_000))
        #expect(s.decide(now: Self.ms(10_000), lastChange: Self.ms(900)) == .capture(settled: true))
    }

    @Test func aScreenThatNeverStopsEndsAtTheMaximum() {
        let s = Settle(rule: rule, started: Self.ms(0), lastAction: nil)
        #expect(s.decide(now: Self.ms(1_990), lastChange: Self.ms(1_980)) == .wait(until: Self.ms(2_000)))
        #expect(s.decide(now: Self.ms(2_000), lastChange: Self.ms(1_995)) == .capture(settled: false))
    }

    @Test func aZeroMaximumCapturesAtOnce() {
        let s = Settle(rule: SettleRule(quiet: .milliseconds(100), maximum: .zero), started: Self.ms(0), lastAction: Self.ms(0))
        #expect(s.decide(now: Self.ms(0), lastChange: nil) == .capture(settled: false))
    }
}
