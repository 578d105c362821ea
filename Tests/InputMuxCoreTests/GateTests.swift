import Testing
@testable import InputMuxCore

@Suite("Gate") struct GateTests {
    @Test func withoutALeaseNothingIsEmitted() {
        let t = Timeline()
        let A = t.connect("A")
        let r = A.perform(.click(at: Point(x: 10, y: 10), button: .left, count: 1, modifiers: []))
        #expect(r.code == .noLease)
        #expect(r.rejection!.message.contains("acquire one"))
        #expect(t.frames().isEmpty)
    }

    @Test func aPositionOutsideTheRegionRejectsTheWholeGesture() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        let mark = t.mark
        let r = A.perform(.drag(path: [Point(x: 10, y: 10), Point(x: 500, y: 10), Point(x: 1000, y: 10)], button: .left, modifiers: []))
        #expect(r.code == .outsideRegion)
        #expect(r.rejection!.message == "drag rejected: 1000,10 is outside your region 0,0,960x1080 (L1); use a position inside it")
        #expect(t.frames(since: mark).isEmpty)
        // The half-open edge: x = 960 belongs to the right half.
        #expect(A.perform(.move(to: Point(x: 960, y: 0))).code == .outsideRegion)
        #expect(A.perform(.move(to: Point(x: 959, y: 1079))).isDone)
    }

    @Test func aClickWithoutPositionUsesWhereThePointerIs() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        let r = A.perform(.click(at: nil, button: .left, count: 1, modifiers: []))
        #expect(r.code == .outsideRegion)
        #expect(r.rejection!.message.contains("no position yet"))
        #expect(A.perform(.move(to: Point(x: 100, y: 100))).isDone)
        #expect(A.perform(.click(at: nil, button: .left, count: 1, modifiers: [])).isDone)
        #expect(t.keyEvents(on: A.pointer).map(\.0) == [MouseButton.left.code, MouseButton.left.code])
    }

    @Test func keysNeedTheKeyboardLease() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        #expect(A.click(10, 10).isDone)
        let r = A.perform(.type(text: "hi"))
        #expect(r.code == .noKeyboardLease)
        #expect(r.rejection!.message.hasPrefix("keys rejected: you hold no active keyboard lease"))
        // Modifier clicks press keys too.
        #expect(A.perform(.click(at: Point(x: 10, y: 10), button: .left, count: 1, modifiers: [.leftCtrl])).code == .noKeyboardLease)
        #expect(t.keyEvents(on: A.keyboard).isEmpty)
    }

    @Test func aPausedLeaseRefusesUntilResumed() {
        let t = Timeline()
        let A = t.connect("A")
        let id = A.acquire(leftHalf).leaseID!
        #expect(t.op(.pause(id)).isDone)
        #expect(A.events.contains { if case .paused(id, _) = $0 { true } else { false } })
        let r = A.perform(.move(to: Point(x: 1, y: 1)))
        #expect(r.code == .leaseNotActive)
        #expect(r.rejection!.message == "move rejected: \(id) is paused; wait for the resumed event")
        #expect(t.op(.resume(id)).isDone)
        #expect(A.events.last == .resumed(id))
        #expect(A.perform(.move(to: Point(x: 1, y: 1))).isDone)
    }

    @Test func aQueuedLeaseIsNotActive() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(leftHalf)
        #expect(B.perform(.move(to: Point(x: 1, y: 1))).code == .leaseNotActive)
    }

    @Test func theRateLimitIsATokenBucket() {
        // Four at once: the acquire costs a token too (every request does), then three scrolls.
        let t = Timeline { $0.rateLimit = RateLimit(burst: 4, perSecond: 10) }
        let A = t.connect("A")
        A.acquire(leftHalf)
        let replies = (0..<4).map { _ in A.send(.scroll(at: Point(x: 5, y: 5), dx: 0, dy: 1, unit: .notches)) }
        t.run(for: 50.ms)
        #expect(replies.prefix(3).allSatisfy { A.reply($0)?.isDone == true })
        let limited = A.reply(replies[3])!
        #expect(limited.code == .rateLimited)
        #expect(limited.rejection!.message.contains("more than 10 gestures per second"))
        t.run(for: 100.ms)   // one token back
        #expect(A.perform(.scroll(at: Point(x: 5, y: 5), dx: 0, dy: 1, unit: .notches)).isDone)
    }

    @Test func refusedGesturesCostATokenToo() {
        let t = Timeline { $0.rateLimit = RateLimit(burst: 3, perSecond: 1) }
        let A = t.connect("A")
        A.acquire(leftHalf)   // a token
        #expect(A.perform(.move(to: Point(x: 5000, y: 0))).code == .outsideRegion)
        #expect(A.perform(.move(to: Point(x: 5000, y: 0))).code == .outsideRegion)
        #expect(A.perform(.move(to: Point(x: 5, y: 5))).code == .rateLimited)
    }

    @Test func sizeLimitsRefuseBeforeAnythingIsSent() {
        let t = Timeline {
            $0.maximumTextLength = 5
            $0.maximumPathPoints = 3
            $0.maximumWait = 1.s
        }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(10, 10)
        let mark = t.mark
        let long = A.perform(.type(text: "abcdef"))
        #expect(long.code == .tooLarge)
        #expect(long.rejection!.message == "type too large: 6 characters, the maximum is 5; split it")
        let path = (0..<4).map { Point(x: Int32($0), y: 0) }
        #expect(A.perform(.drag(path: path, button: .left, modifiers: [])).code == .tooLarge)
        #expect(A.perform(.hold(keys: [.leftShift], duration: 2.s)).code == .tooLarge)
        #expect(A.perform(.wait(5.s)).code == .tooLarge)
        #expect(t.frames(since: mark).isEmpty)
        #expect(A.perform(.type(text: "abcde")).isDone)
    }

    @Test func unmappableTextIsReportedByPositionAndNothingIsTyped() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(10, 10)
        let mark = t.mark
        let r = A.perform(.type(text: "ab€c"))
        #expect(r.code == .unmappableText)
        #expect(r.rejection!.message.contains("2"))
        #expect(t.frames(since: mark).isEmpty)
    }

    @Test func rawPointerFramesAreCheckedEventByEvent() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        func abs(_ x: Int32, _ y: Int32) -> [EvdevEvent] {
            [EvdevEvent(type: EV.abs, code: ABS.x, value: x), EvdevEvent(type: EV.abs, code: ABS.y, value: y)]
        }
        let inside = A.perform(.raw(device: .pointer, frames: [Frame(abs(10, 10)), Frame([keyEvent(MouseButton.left.code, 1)]),
                                                                 Frame([keyEvent(MouseButton.left.code, 0)])]))
        #expect(inside.isDone)
        let mark = t.mark
        let outside = A.perform(.raw(device: .pointer, frames: [Frame(abs(10, 10)), Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 1500)])]))
        #expect(outside.code == .outsideRegion)
        let relative = A.perform(.raw(device: .pointer, frames: [Frame([EvdevEvent(type: EV.rel, code: REL.x, value: 5)])]))
        #expect(relative.code == .badGesture)
        #expect(t.frames(since: mark).isEmpty)
    }

    @Test func theCheckIsPureAndTheAllowedPathNamesTheLease() {
        let t = Timeline()
        let A = t.connect("A")
        let id = A.acquire(leftHalf, keyboard: true).leaseID!
        A.click(10, 10)
        let before = t.engine.leases
        let g = Gesture.type(text: "hello")
        #expect(t.engine.check(g, from: A.id, at: t.now) == .allowed(id))
        #expect(t.engine.check(.move(to: Point(x: 2000, y: 0)), from: A.id, at: t.now)
            == .rejected(GateFailure(.outsideRegion, lease: id, point: Point(x: 2000, y: 0))))
        #expect(t.engine.leases.leases == before.leases)
    }
}
