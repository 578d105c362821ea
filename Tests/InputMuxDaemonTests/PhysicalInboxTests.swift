import Foundation
import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// The ring between the human's passthrough thread and the engine thread: one writer and
/// one reader, no lock between them.
@Suite struct PhysicalInboxTests {
    @Test func eventsPushedOnOneThreadAreDrainedOnAnotherInOrderWithNoneLost() throws {
        let inbox = PhysicalInbox(capacity: 1 << 17, wake: try WakeSignal())
        let total = 100_000
        let producer = Thread {
            for i in 0..<total { inbox.push(device: UInt32(i % 3), type: EV.rel, code: 0, value: Int32(i)) }
        }
        producer.start()
        var seen: [PhysicalInbox.Entry] = []
        var lost = false
        let began = Date()
        while seen.count < total && Date().timeIntervalSince(began) < 30 {
            lost = inbox.drain(into: &seen) || lost
        }
        #expect(!lost)
        #expect(seen.count == total)
        #expect(seen.map(\.event.value) == (0..<total).map { Int32($0) })
        #expect(seen.enumerated().allSatisfy { $0.element.device == UInt32($0.offset % 3) })
    }

    @Test func aFullRingDropsTheNewestAndSaysSoOnce() throws {
        let inbox = PhysicalInbox(capacity: 4, wake: try WakeSignal())
        for i in 0..<6 { inbox.push(device: 1, type: EV.key, code: 30, value: Int32(i)) }
        var out: [PhysicalInbox.Entry] = []
        #expect(inbox.drain(into: &out))
        #expect(out.map(\.event.value) == [0, 1, 2, 3])
        // The ring is empty again, and the loss was reported once.
        out.removeAll()
        #expect(!inbox.drain(into: &out))
        #expect(out.isEmpty)
        // It wraps around: three more rounds through the same four slots.
        for round in 0..<3 {
            for i in 0..<3 { inbox.push(device: 2, type: EV.key, code: 31, value: Int32(10 * round + i)) }
            out.removeAll()
            #expect(!inbox.drain(into: &out))
            #expect(out.map(\.event.value) == [10 * round, 10 * round + 1, 10 * round + 2].map { Int32($0) })
        }
    }
}
