import Testing
@testable import InputMuxCore

@Suite("Engine: the human always wins") struct EngineHumanTests {
    @Test func humanInputAbortsTheRunningGestureAndReleasesWhatItPressed() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(100, 100)
        let mark = t.mark
        let r = A.send(.hold(keys: [.leftShift, KeyCode(30)], duration: 2.s))
        t.run(for: 100.ms)
        #expect(t.engine.neutral.held(on: A.keyboard) == [.leftShift, KeyCode(30)])
        t.humanMove(dx: 1, dy: 0)
        #expect(A.reply(r)?.code == .abortedByHuman)
        // Released in reverse press order; nothing left pressed.
        let keys = t.keyEvents(since: mark, on: A.keyboard)
        #expect(keys.suffix(2).map { $0.0 } == [30, KeyCode.leftShift.rawValue])
        #expect(keys.suffix(2).allSatisfy { $0.1 == 0 })
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        // And the human's frame went out first, before anything of the agents'.
        let after = t.frames(since: mark).drop { $0.0 != .passthrough(humanMouse) }
        #expect(after.first?.0 == .passthrough(humanMouse))
    }

    @Test func agentsArePausedForTheQuietPeriodThenResumed() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        t.at(100.ms) { t.humanMove(dx: 5, dy: 5) }
        #expect(A.events.contains { if case .humanActive = $0 { true } else { false } })
        t.at(600.ms) { t.humanMove(dx: 5, dy: 5) }    // extends the pause
        let r = t.at(1500.ms) { A.perform(.move(to: Point(x: 1, y: 1))) }
        #expect(r.code == .pausedHuman)
        #expect(r.rejection!.message.hasPrefix("paused: human input until t+1600.0ms"))
        #expect(!A.events.contains(.humanQuiet))
        t.at(1600.ms)
        #expect(A.events.last == .humanQuiet)
        #expect(A.events.filter { if case .humanActive = $0 { true } else { false } }.count == 1)
        #expect(A.perform(.move(to: Point(x: 1, y: 1))).isDone)
    }

    @Test func aZeroQuietPeriodStopsTheRunningGestureWithoutPausingAnyone() {
        let t = Timeline { $0.quietPeriod = .zero }
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        A.click(100, 100)
        let hold = A.send(.hold(keys: [.leftShift], duration: 2.s))
        let waiting = B.send(.click(at: Point(x: 1000, y: 10), button: .left, count: 1, modifiers: []))
        t.run(for: 50.ms)
        #expect(t.engine.neutral.held(on: A.keyboard) == [.leftShift])
        let mark = t.mark
        t.humanMove(dx: 1, dy: 0)
        // The running gesture is stopped and released; the waiting one is dropped.
        #expect(A.reply(hold)?.code == .abortedByHuman)
        #expect(B.reply(waiting)?.code == .abortedByHuman)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(t.keyEvents(since: mark, on: A.keyboard).map(\.1) == [0])
        // No pause: nobody is told of one, it is not audited, and gestures run at once.
        for _ in 0..<20 { t.humanMove(dx: 1, dy: 0) }
        t.run(for: 10.ms)
        for s in [A, B] {
            #expect(!s.events.contains { if case .humanActive = $0 { true } else { false } })
            #expect(!s.events.contains(.humanQuiet))
        }
        #expect(!t.audits(since: mark).contains { $0.decision == .paused || $0.decision == .resumed })
        #expect(t.audits(since: mark).filter { $0.decision == .aborted }.count == 1)
        #expect(t.engine.human.pausedUntil == nil)
        #expect(B.perform(.move(to: Point(x: 1000, y: 10))).isDone)
    }

    @Test func queuedGesturesAreRejectedNotReplayedLater() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        B.acquire(rightHalf)
        let a = A.send(.drag(path: (0..<50).map { Point(x: 10 + $0, y: 10) }, button: .left, modifiers: []))
        let b = B.send(.click(at: Point(x: 1000, y: 10), button: .left, count: 1, modifiers: []))
        t.run(for: 20.ms)
        let mark = t.mark
        t.humanClick()
        #expect(A.reply(a)?.code == .abortedByHuman)
        #expect(B.reply(b)?.code == .pausedHuman)
        t.run(for: 5.s)
        // B's click never happens, not even after the pause.
        #expect(t.frames(since: mark, on: B.pointer).isEmpty)
        // A's button was released when the drag was cut.
        #expect(t.keyEvents(since: mark, on: A.pointer).map(\.1) == [0])
    }

    @Test func ledEventsEchoedByTheKernelAreNotTheHuman() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf)
        t.humanFrame(humanKeyboard, [EvdevEvent(type: 0x11, code: 1, value: 1)])   // EV_LED, LED_CAPSL
        #expect(!t.engine.human.isPaused)
        #expect(A.perform(.move(to: Point(x: 3, y: 3))).isDone)
        t.humanFrame(humanMouse, [EvdevEvent(type: EV.rel, code: REL.wheel, value: 1)])
        #expect(t.engine.human.isPaused)
    }

    @Test func heldKeysOfIdleAgentsAreReleasedWhenTheHumanActs() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(100, 100)
        #expect(A.perform(.keyDown(.leftShift)).isDone)
        let mark = t.mark
        t.humanKeys(press: [KeyCode(30)])
        #expect(t.keyEvents(since: mark, on: A.keyboard).map { $0.0 } == [KeyCode.leftShift.rawValue])
    }
}

@Suite("Engine: lease endings neutralize and advance") struct EngineEndingTests {
    @Test func revokeReleasesHeldKeysAndAdvancesTheQueue() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf, keyboard: true).leaseID!
        let b = B.acquire(leftHalf, keyboard: true).leaseID!
        A.click(100, 100)
        #expect(A.perform(.keyDown(.leftCtrl)).isDone)
        #expect(A.perform(.keyDown(KeyCode(30))).isDone)
        #expect(A.perform(.mouseDown(at: Point(x: 100, y: 100), button: .right)).isDone)
        let mark = t.mark
        #expect(t.op(.revoke(a)).isDone)
        #expect(t.keyEvents(since: mark, on: A.keyboard).map { $0.0 } == [30, KeyCode.leftCtrl.rawValue])
        #expect(t.keyEvents(since: mark, on: A.keyboard).allSatisfy { $0.1 == 0 })
        #expect(t.keyEvents(since: mark, on: A.pointer).map { $0.0 } == [MouseButton.right.code])
        #expect(A.events.compactMap(\.endedLease).last! == (a, .revoked))
        #expect(B.events.compactMap(\.grantedLease) == [b])
    }

    @Test func aLapsedTTLReleasesHeldKeys() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true, ttl: 1.s)
        A.click(100, 100)
        #expect(A.perform(.keyDown(.leftShift)).isDone)
        t.run(for: 1.s)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(t.keyEvents(on: A.keyboard).last! == (KeyCode.leftShift.rawValue, 0))
    }

    @Test func disconnectNeutralizesThenDestroysDevicesAndAdvancesTheQueue() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        #expect(t.out.records.contains(.device(.create(AgentIdentity(name: "A", session: A.id, uid: 1000, pid: 4001)))))
        A.acquire(leftHalf)
        let b = B.acquire(leftHalf).leaseID!
        _ = A.perform(.mouseDown(at: Point(x: 5, y: 5), button: .left))
        let mark = t.mark
        A.disconnect()
        let recs = Array(t.records(since: mark))
        let release = recs.firstIndex { if case .emit(A.pointer, _) = $0 { true } else { false } }!
        let destroy = recs.firstIndex(of: .device(.destroy(A.id)))!
        #expect(release < destroy)
        #expect(B.events.compactMap(\.grantedLease) == [b])
        #expect(A.request(.status).1?.code == .unknownSession)
    }

    @Test func pausingALeaseStopsItsGestureAndReleasesWhatItHolds() {
        let t = Timeline()
        let A = t.connect("A")
        let a = A.acquire(leftHalf, keyboard: true).leaseID!
        A.click(100, 100)
        let r = A.send(.hold(keys: [.leftAlt], duration: 1.s))
        t.run(for: 50.ms)
        #expect(t.op(.pause(a)).isDone)
        #expect(A.reply(r)?.code == .leaseNotActive)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        t.run(for: 2.s)
        #expect(t.keyEvents(on: A.keyboard).filter { $0.1 == 1 }.count == 1)   // the hold never resumed
    }

    @Test func shutdownReleasesEverythingEndsEveryLeaseAndRefusesAfter() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf, keyboard: true).leaseID!
        let b = B.acquire(leftHalf).leaseID!
        A.click(100, 100)
        A.perform(.keyDown(.leftShift))
        t.send(.shutdown)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(A.events.compactMap(\.endedLease).last! == (a, .shutdown))
        #expect(B.events.compactMap(\.endedLease).last! == (b, .shutdown))
        #expect(B.events.compactMap(\.grantedLease).isEmpty)    // nobody granted on the way out
        #expect(t.out.records.contains(.device(.destroy(A.id))))
        #expect(t.out.records.contains(.device(.destroy(B.id))))
        #expect(t.engine.leases.isEmpty)
    }
}

@Suite("Engine: orchestrators and operators") struct EngineControlTests {
    @Test func anOrchestratorCannotRevokeItselfThroughTheCancelPath() {
        let t = Timeline()
        let O = t.connect("O", .supervise), A = t.connect("A")
        let o = O.acquire(leftHalf).leaseID!
        let a = A.acquire(rightHalf).leaseID!
        let r = O.supervise(.revoke(o))
        #expect(r.code == .selfCancel)
        #expect(r.rejection!.message.contains("use release"))
        #expect(t.engine.leases[o]?.state == .active)
        #expect(O.supervise(.pause(o)).code == .selfCancel)
        // Never listed as a cancel target of itself.
        #expect(O.status().cancelTargets == [a])
        // Other sessions' leases it may revoke.
        #expect(O.supervise(.revoke(a)).isDone)
        #expect(A.events.compactMap(\.endedLease).last! == (a, .revoked))
        #expect(A.events.compactMap(\.endedLease).last.map { _ in true } == true)
    }

    @Test func onlySupervisorsSuperviseAndOnlyOperatorsApprove() {
        let t = Timeline { $0.sensitiveRegions = [Region(x: 0, y: 0, width: 10, height: 10)] }
        let O = t.connect("O", .supervise), A = t.connect("A"), B = t.connect("B")
        let b = B.acquire(rightHalf).leaseID!
        #expect(A.supervise(.revoke(b)).code == .notSupervisor)
        let p = A.acquire(leftHalf).leaseID!
        #expect(O.supervise(.approve(p)).code == .notAllowed)
        #expect(O.supervise(.resumeAfterPanic).code == .notAllowed)
        #expect(t.engine.leases[p]?.state == .pendingApproval)
        #expect(t.engine.leases[b]?.state == .active)
    }

    @Test func reassignGivesTheResourcesStraightToTheTarget() {
        let t = Timeline()
        let O = t.connect("O", .supervise), A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        let a = A.acquire(leftHalf).leaseID!
        C.acquire(leftHalf)   // a waiter that must not slip in between
        #expect(O.supervise(.reassign(a, to: B.id)).isDone)
        #expect(A.events.compactMap(\.endedLease).last! == (a, .reassigned))
        let granted = B.events.compactMap(\.grantedLease)
        #expect(granted.count == 1)
        #expect(t.engine.leases[granted[0]]?.holder == B.id)
        #expect(C.events.compactMap(\.grantedLease).isEmpty)
        #expect(B.perform(.move(to: Point(x: 5, y: 5))).isDone)
    }

    @Test func reassignRefusesToPutTwoHoldersOnOnePixel() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a1 = A.acquire(Region(x: 0, y: 0, width: 400, height: 400)).leaseID!
        let a2 = A.acquire(Region(x: 200, y: 200, width: 400, height: 400)).leaseID!   // its own: no conflict
        let r = t.op(.reassign(a1, to: B.id))
        #expect(r.code == .conflict)
        #expect(r.rejection!.message.contains("overlaps \"A\"#1's lease \(a2)"))
        #expect(t.engine.leases[a1]?.holder == A.id)
        #expect(t.op(.revoke(a2)).isDone)
        #expect(t.op(.reassign(a1, to: B.id)).isDone)
    }

    @Test func everyDecisionIsAuditedAndTypedTextOnlyRedacted() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(100, 120)
        let mark = t.mark
        #expect(A.perform(.type(text: "secret")).isDone)
        #expect(A.perform(.move(to: Point(x: 2000, y: 5))).code == .outsideRegion)
        let audits = t.audits(since: mark)
        let typed = audits.first { $0.action == "type" }!
        #expect(typed.decision == .allowed)
        #expect(typed.identity?.name == "A")
        #expect(typed.lease != nil)
        #expect(typed.text?.length == 6)
        let refused = audits.first { $0.action == "move" }!
        #expect(refused.decision == .rejected)
        #expect(refused.reason == .outsideRegion)
        #expect(refused.points == [Point(x: 2000, y: 5)])
        #expect(!t.audits().contains { $0.message.contains("secret") })
        let click = t.audits().first { $0.action == "click" }!
        #expect(click.points == [Point(x: 100, y: 120)])
    }

    @Test func everyRequestGetsExactlyOneReply() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        var sent: [(Agent, RequestID)] = []
        sent.append((A, A.send(.click(at: Point(x: 10, y: 10), button: .left, count: 1, modifiers: []))))
        sent.append((B, B.send(.click(at: Point(x: 1000, y: 10), button: .left, count: 3, modifiers: []))))
        sent.append((A, A.send(.type(text: "abc"))))
        sent.append((B, B.send(.type(text: "abc"))))
        sent.append((A, A.send(.move(to: Point(x: 1000, y: 10)))))
        t.run(for: 3.s)
        for (agent, r) in sent {
            let n = t.out.records.filter { if case .reply(.session(agent.id), r, _) = $0 { true } else { false } }.count
            #expect(n == 1)
        }
    }
}
