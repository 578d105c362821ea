import Testing
@testable import InputMuxCore
import InputMuxTestSupport

@Suite("Seat: atomic gestures on one cursor") struct SeatTests {
    /// The sessions whose frames appear, in order, one entry per contiguous block.
    func blocks(_ frames: [(DeviceRef, Frame)]) -> [SessionID] {
        var out: [SessionID] = []
        for (d, _) in frames {
            guard let s = d.session else { continue }
            if out.last != s { out.append(s) }
        }
        return out
    }

    @Test func threeAgentsOnDisjointRegionsProceedInParallelAndSerializeOnTheSeat() {
        let t = Timeline()
        let agents = ["A", "B", "C"].map { t.connect($0) }
        for (a, r) in zip(agents, thirds) {
            #expect(a.acquire(r, keyboard: false).isGranted)
        }
        let mark = t.mark
        // All three click at the same instant, twice each.
        var requests: [(Agent, RequestID)] = []
        for round in 0..<2 {
            for (i, a) in agents.enumerated() {
                let x = thirds[i].x + 100 + Int32(round)
                requests.append((a, a.send(.click(at: Point(x: x, y: 500), button: .left, count: 2, modifiers: []))))
            }
        }
        t.run(for: 2.s)
        #expect(requests.allSatisfy { $0.0.reply($0.1) == .done })     // none refused
        // One transaction at a time, FIFO: A B C A B C, never interleaved.
        #expect(blocks(t.frames(since: mark)) == [1, 2, 3, 1, 2, 3].map(SessionID.init))
        // Every press lands inside its own agent's region.
        let seat = SeatCompositor.replay(t.frames(since: mark))
        #expect(seat.presses.count == 12)
        for (device, at) in seat.presses {
            let i = Int(device.session!.rawValue) - 1
            #expect(thirds[i].contains(at), "press by \(device) landed at \(at)")
        }
    }

    @Test func pressAndReleaseAreNeverInOneFrameAndHoldLongEnough() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        let mark = t.mark
        #expect(A.click(100, 100).isDone)
        let buttons = t.timedFrames(since: mark, on: A.pointer).filter { $0.2.events.contains { $0.type == EV.key } }
        #expect(buttons.count == 2)
        #expect(buttons.allSatisfy { $0.2.events.filter { $0.type == EV.key }.count == 1 })
        #expect(buttons[1].0 - buttons[0].0 >= t.engine.config.pacing.minimumHold)
    }

    @Test func aLateTickShiftsTheRestInsteadOfCompressingTheHold() {
        var e = Engine(config: {
            var c = EngineConfig(desktop: desktop, keymap: USKeymap())
            c.rateLimit = .unlimited
            return c
        }())
        var out = CollectingOutput()
        e.handle(.connect(AgentIdentity(name: "A", session: SessionID(1)), .agent), at: .zero, into: &out)
        e.handle(.agent(SessionID(1), RequestID(1), .acquire(LeaseRequest(.region(leftHalf)))), at: .zero, into: &out)
        e.handle(.agent(SessionID(1), RequestID(2), .gesture(.keyChord(keys: [], repeat: 1))), at: .zero, into: &out)
        e.handle(.agent(SessionID(1), RequestID(3), .gesture(.click(at: Point(x: 5, y: 5), button: .left, count: 1, modifiers: []))),
                 at: .zero, into: &out)
        // Whatever is due first, deliver the tick 100 ms late.
        let late = Instant.zero + 100.ms
        var presses = 0
        while presses == 0, e.nextDeadline != nil {
            e.handle(.tick, at: late, into: &out)
            presses = out.frames.filter { $0.1.events.contains { $0.type == EV.key && $0.value == 1 } }.count
        }
        #expect(presses == 1)
        #expect(!out.frames.contains { $0.1.events.contains { $0.type == EV.key && $0.value == 0 } })
        #expect(e.nextDeadline! >= late + e.config.pacing.minimumHold)
    }

    @Test func anAgentsClickCanNeverLandAtAnotherAgentsCursorPosition() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(rightHalf)
        #expect(A.perform(.move(to: Point(x: 100, y: 100))).isDone)
        #expect(B.perform(.move(to: Point(x: 1500, y: 700))).isDone)
        let mark = t.mark
        // "Click at the same place": A's device already holds 100,100.
        #expect(A.click(100, 100).isDone)
        let frames = t.frames(since: mark, on: A.pointer)
        let press = frames.firstIndex { $0.1.events.contains { $0.type == EV.key && $0.value == 1 } }!
        // In the same transaction, before the press, ABS values that change on A's device.
        var x: Int32 = 100, y: Int32 = 100
        var changed = false
        for (_, f) in frames[..<press] {
            for e in f.events where e.type == EV.abs {
                if e.code == ABS.x, e.value != x { x = e.value; changed = true }
                if e.code == ABS.y, e.value != y { y = e.value; changed = true }
            }
        }
        #expect(changed)
        #expect(Point(x: x, y: y) == Point(x: 100, y: 100))
        // And the compositor agrees: the press is where A asked, not at B's cursor.
        let seat = SeatCompositor.replay(t.frames())
        #expect(seat.presses.last!.1 == Point(x: 100, y: 100))
    }

    @Test func aClickAfterTheHumanMovedTheCursorReassertsItsPosition() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        #expect(A.perform(.move(to: Point(x: 100, y: 100))).isDone)
        t.humanMove(dx: 300, dy: 50)
        t.run(for: 1100.ms)
        #expect(A.click(100, 100).isDone)
        let seat = SeatCompositor.replay(t.frames())
        #expect(seat.presses.last!.1 == Point(x: 100, y: 100))
    }

    @Test func theSameAgentClickingTwiceInPlaceDoesNotNudge() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        #expect(A.click(100, 100).isDone)
        let mark = t.mark
        #expect(A.click(100, 100).isDone)
        let abs = t.frames(since: mark, on: A.pointer).flatMap { $0.1.events.filter { $0.type == EV.abs } }
        #expect(abs.allSatisfy { $0.value == 100 })   // nothing moved, nothing needed to
    }

    @Test func aClickWithoutPositionQueuedBehindItsMoveStartsWhereTheMoveLeftIt() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(rightHalf)
        let b = B.send(.drag(path: [Point(x: 1000, y: 10), Point(x: 1500, y: 10)], button: .left, modifiers: []))
        let m = A.send(.move(to: Point(x: 200, y: 300)))     // waits behind B's drag
        let c = A.send(.click(at: nil, button: .right, count: 1, modifiers: []))
        t.run(for: 2.s)
        #expect(B.reply(b) == .done)
        #expect(A.reply(m) == .done)
        #expect(A.reply(c) == .done)
        let seat = SeatCompositor.replay(t.frames())
        #expect(seat.presses.last! == (A.pointer, Point(x: 200, y: 300)))
    }

    @Test func aSessionHoldingAButtonKeepsTheSeatUntilItLetsGo() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(rightHalf)
        #expect(A.perform(.mouseDown(at: Point(x: 10, y: 10), button: .left)).isDone)
        #expect(B.status().seatHeldBy == A.id)
        let mark = t.mark
        let b = B.send(.click(at: Point(x: 1000, y: 10), button: .left, count: 1, modifiers: []))
        t.run(for: 500.ms)
        #expect(B.reply(b) == nil)                       // waiting: a click now would be a drag
        #expect(t.frames(since: mark, on: B.pointer).isEmpty)
        #expect(A.perform(.mouseUp(at: Point(x: 20, y: 20), button: .left)).isDone)
        #expect(B.status().seatHeldBy == nil)
        t.run(for: 500.ms)
        #expect(B.reply(b) == .done)
        let frames = t.frames(since: mark)
        let aUp = frames.firstIndex { $0.0 == A.pointer && $0.1.events.contains { $0.type == EV.key && $0.value == 0 } }!
        let bDown = frames.firstIndex { $0.0 == B.pointer && $0.1.events.contains { $0.type == EV.key && $0.value == 1 } }!
        #expect(aUp < bDown)
    }

    @Test func theSeatIsNotKeptForeverWhileOthersWait() {
        let t = Timeline { $0.maximumSeatHold = 2.s }
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        A.click(10, 10)
        #expect(A.perform(.keyDown(.leftShift)).isDone)
        let heldAt = t.now
        let b = B.send(.click(at: Point(x: 1000, y: 10), button: .left, count: 1, modifiers: []))
        t.advance(to: heldAt + 1900.ms)
        #expect(B.reply(b) == nil)
        t.advance(to: heldAt + 2500.ms)
        #expect(B.reply(b) == .done)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(t.audits().contains { $0.action == "seat" && $0.identity?.name == "A" })
    }

    @Test func waitHoldsNothingOnTheSeat() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(rightHalf)
        let w = A.send(.wait(500.ms))
        #expect(B.click(1000, 10).isDone)
        #expect(t.now < .zero + 500.ms)
        #expect(A.reply(w) == nil)
        t.run(for: 500.ms)
        #expect(A.reply(w) == .done)
    }
}
