import InputMuxCore
import struct InputMuxCore.Region
import InputMuxSight
import Testing

/// The bounded damage history, on instants only.
struct DamageHistoryTests {
    static func ms(_ n: Int64) -> Instant { Instant(nanoseconds: n * 1_000_000) }

    @Test func theLatestOverlappingChangeAnswersAndADisjointAreaHasNone() {
        var h = DamageHistory(capacity: 8)
        h.record(Region(x: 0, y: 0, width: 10, height: 10), at: Self.ms(1))
        h.record(Region(x: 5, y: 5, width: 10, height: 10), at: Self.ms(2))
        h.record(Region(x: 100, y: 100, width: 10, height: 10), at: Self.ms(3))
        #expect(h.lastChange(in: Region(x: 0, y: 0, width: 6, height: 6)) == Self.ms(2))
        #expect(h.lastChange(in: Region(x: 0, y: 0, width: 5, height: 5)) == Self.ms(1))
        #expect(h.lastChange(in: Region(x: 105, y: 105, width: 1, height: 1)) == Self.ms(3))
        #expect(h.lastChange(in: Region(x: 50, y: 50, width: 20, height: 20)) == nil)
        // Touching edges do not overlap.
        #expect(h.lastChange(in: Region(x: 15, y: 0, width: 5, height: 5)) == nil)
    }

    @Test func overflowAnswersNoEarlierThanTheNewestDroppedChange() {
        var h = DamageHistory(capacity: 4)
        for t in 1...4 { h.record(Region(x: 0, y: 0, width: 1, height: 1), at: Self.ms(Int64(t))) }
        #expect(h.lastChange(in: Region(x: 500, y: 500, width: 1, height: 1)) == nil)
        // Two more push out the changes at 1 and 2 ms: anywhere may have changed then.
        h.record(Region(x: 0, y: 0, width: 1, height: 1), at: Self.ms(5))
        h.record(Region(x: 0, y: 0, width: 1, height: 1), at: Self.ms(6))
        #expect(h.droppedUpTo == Self.ms(2))
        #expect(h.lastChange(in: Region(x: 500, y: 500, width: 1, height: 1)) == Self.ms(2))
        #expect(h.lastChange(in: Region(x: 0, y: 0, width: 1, height: 1)) == Self.ms(6))
        h.record(Region(x: 500, y: 500, width: 1, height: 1), at: Self.ms(7))
        #expect(h.lastChange(in: Region(x: 500, y: 500, width: 1, height: 1)) == Self.ms(7))
        #expect(h.lastChange(in: Region(x: 0, y: 0, width: 1, height: 1)) == Self.ms(6))
    }
}
