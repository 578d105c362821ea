import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// Connections before their hello (issue 15, "Connections"): a deadline each, and a cap
/// that pushes out the oldest connection of the uid holding the most.
@Suite struct PendingHellosTests {
    let t0 = Instant(nanoseconds: 1_000_000_000)

    @Test func deadlinesLapseInAcceptOrder() {
        var p = PendingHellos(timeout: .seconds(5), maximum: 64)
        _ = p.add(serial: 1, fd: 10, uid: 1000, at: t0)
        _ = p.add(serial: 2, fd: 11, uid: 1000, at: t0 + .seconds(1))
        #expect(p.nextDeadline == t0 + .seconds(5))
        #expect(p.expired(at: t0 + .milliseconds(4999)).isEmpty)
        #expect(p.expired(at: t0 + .seconds(5)).map(\.serial) == [1])
        p.remove(serial: 2)   // said hello
        #expect(p.expired(at: t0 + .seconds(60)).isEmpty)
        #expect(p.count == 0)
    }

    @Test func overTheCapTheFloodingUidLosesItsOldest() {
        var p = PendingHellos(timeout: .seconds(5), maximum: 4)
        #expect(p.add(serial: 1, fd: 10, uid: 2000, at: t0) == nil)   // another user's, oldest of all
        for s: UInt64 in 2...4 { #expect(p.add(serial: s, fd: Int32(9 + s), uid: 666, at: t0) == nil) }
        // The fifth: uid 666 holds three of four, so its oldest goes, not uid 2000's.
        #expect(p.add(serial: 5, fd: 14, uid: 666, at: t0)?.serial == 2)
        #expect(p.add(serial: 6, fd: 15, uid: 3000, at: t0)?.serial == 3)
        #expect(p.entries.map(\.serial) == [1, 4, 5, 6])
        #expect(p.count == 4)
    }

    @Test func aThousandSilentConnectionsLeaveRoomForANewAgent() {
        var p = PendingHellos(timeout: .seconds(5), maximum: 64)
        var evicted = 0
        for s: UInt64 in 1...1000 where p.add(serial: s, fd: Int32(s), uid: 666, at: t0) != nil { evicted += 1 }
        #expect(evicted == 1000 - 64)
        // A new agent's connection is admitted (one of the flood's goes) and says hello.
        #expect(p.add(serial: 5000, fd: 5000, uid: 1000, at: t0)?.uid == 666)
        p.remove(serial: 5000)
        #expect(!p.entries.contains { $0.uid == 1000 })
    }
}
