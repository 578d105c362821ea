import Testing
@testable import InputMuxCore

@Suite("Panic chord") struct PanicTests {
    @Test func thePhysicalChordRevokesEverythingAndFreezesUntilResumed() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        let a = A.acquire(leftHalf, keyboard: true).leaseID!
        let b = B.acquire(rightHalf).leaseID!
        let c = C.acquire(rightHalf).leaseID!   // queued
        A.click(100, 100)
        A.perform(.keyDown(.leftShift))
        let mark = t.mark
        t.humanKeys(press: PanicChord.standard.keys)
        #expect(t.keyEvents(since: mark, on: A.keyboard).map { $0.0 } == [KeyCode.leftShift.rawValue])
        #expect(A.events.compactMap(\.endedLease).last! == (a, .panic))
        #expect(B.events.compactMap(\.endedLease).last! == (b, .panic))
        #expect(C.events.compactMap(\.endedLease).last! == (c, .panic))
        #expect(C.events.compactMap(\.grantedLease).isEmpty)
        #expect(t.engine.leases.isEmpty)
        #expect(A.events.contains { if case .frozen = $0 { true } else { false } })
        t.humanKeys(release: PanicChord.standard.keys)
        t.run(for: 5.s)
        let r = A.acquire(leftHalf)
        #expect(r.code == .frozen)
        #expect(r.reason!.contains("muxctl resume"))
        #expect(A.perform(.move(to: Point(x: 1, y: 1))).code == .frozen)
        #expect(t.op(.resumeAfterPanic).isDone)
        #expect(A.events.last == .unfrozen)
        #expect(A.acquire(leftHalf).isGranted)
    }

    @Test func agentsCannotTriggerIt() {
        let t = Timeline { $0.panicChord = PanicChord([KeyCode(30), KeyCode(31)]) }  // a+s: typeable
        let A = t.connect("A")
        let a = A.acquire(leftHalf, keyboard: true).leaseID!
        A.click(100, 100)
        #expect(A.perform(.keyChord(keys: [KeyCode(30), KeyCode(31)], repeat: 1)).isDone)
        #expect(A.perform(.raw(device: .keyboard, frames: [Frame([keyEvent(30, 1)]), Frame([keyEvent(31, 1)]),
                                                            Frame([keyEvent(31, 0)]), Frame([keyEvent(30, 0)])])).isDone)
        #expect(t.engine.leases[a]?.state == .active)
        #expect(!t.engine.panic.isFrozen)
    }

    @Test func aPartialChordIsNoPanic() {
        let t = Timeline()
        let A = t.connect("A")
        let a = A.acquire(leftHalf).leaseID!
        t.humanKeys(press: [.backspace, .esc])
        t.humanKeys(release: [.backspace, .esc])
        t.humanKeys(press: [.enter])
        #expect(t.engine.leases[a]?.state == .active)
        #expect(!t.engine.panic.isFrozen)
    }
}
