import Testing
@testable import InputMuxCore

/// The X11 adapter's engine rules: real focus for keys, window leases, foreign input.
@Suite("Window system") struct WindowSystemTests {
    let wa = WindowID(0xa00001), wb = WindowID(0xb00001)
    let ga = Region(x: 0, y: 0, width: 400, height: 300), gb = Region(x: 500, y: 0, width: 400, height: 300)

    func timeline(pauseOnForeign: Bool = false) -> Timeline {
        Timeline { $0.windowSystemFocus = true; $0.pauseOnForeignInput = pauseOnForeign }
    }

    @discardableResult
    func lease(_ a: Agent, _ w: WindowID, _ g: Region, keyboard: Bool = true) -> Reply {
        a.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: g), pointer: true, keyboard: keyboard)))).1!
    }

    @Test func keysNeedTheLeasedWindowFocusedNotAClick() {
        let t = timeline()
        let A = t.connect("A")
        #expect(lease(A, wa, ga).isGranted)
        // A click inside proves nothing by itself: only the window system says where keys go.
        t.send(.focusedWindow(wb, gb))
        let r = A.perform(.type(text: "x"))
        #expect(r.code == .focusElsewhere)
        #expect(r.rejection!.message.contains("the focused window is window 0xb00001"))
        #expect(r.rejection!.message.contains("not window 0xa00001"))
        t.send(.focusedWindow(wa, ga))
        #expect(A.perform(.type(text: "x")).isDone)
        #expect(t.keyEvents(on: A.keyboard).map(\.0) == [45, 45])
    }

    @Test func noReportMeansNoKeys() {
        let t = timeline()
        let A = t.connect("A")
        lease(A, wa, ga)
        #expect(A.perform(.keyChord(keys: [KeyCode(30)], repeat: 1)).code == .focusElsewhere)
    }

    @Test func aKeyGestureQueuedBehindAnotherAgentsClickIsDroppedWhenItWouldStart() {
        let t = timeline()
        let A = t.connect("A"), B = t.connect("B")
        lease(A, wa, ga)
        lease(B, wb, gb, keyboard: false)
        t.send(.focusedWindow(wa, ga))
        // B's click runs first; A's typing was accepted (focus was A's) but waits behind it.
        let click = B.send(.click(at: Point(x: 600, y: 100), button: .left, count: 1, modifiers: []))
        let typing = A.send(.type(text: "secret"))
        t.run(for: 1.s)
        #expect(B.reply(click) == .done)
        #expect(A.reply(typing)?.code == .focusElsewhere)
        #expect(A.reply(typing)!.rejection!.message.contains("focus went to window 0xb00001 with the pointer gesture by agent \"B\"#2"))
        #expect(t.keyEvents(on: A.keyboard).isEmpty)
    }

    @Test func theAgentsOwnClickKeepsItsWindowFocusedForItsNextKeys() {
        let t = timeline()
        let A = t.connect("A"), B = t.connect("B")
        lease(A, wa, ga)
        lease(B, wb, gb, keyboard: false)
        t.send(.focusedWindow(wb, gb))
        // A clicks into its window; its typing queued right behind starts with the focus there.
        let click = A.send(.click(at: Point(x: 100, y: 100), button: .left, count: 1, modifiers: []))
        t.send(.focusedWindow(wa, ga))      // the adapter's report before the key gesture
        let typing = A.send(.type(text: "ok"))
        t.run(for: 1.s)
        #expect(A.reply(click) == .done)
        #expect(A.reply(typing) == .done)
        #expect(t.keyEvents(on: A.keyboard).count == 4)
    }

    @Test func aWindowLeaseFollowsItsWindowAndEndsWhenItCloses() {
        let t = timeline()
        let A = t.connect("A")
        let id = lease(A, wa, ga).leaseID!
        t.send(.windowGeometry(wa, Region(x: 100, y: 400, width: 400, height: 300)))
        #expect(A.events.contains(.moved(id, Region(x: 100, y: 400, width: 400, height: 300))))
        #expect(A.perform(.click(at: Point(x: 50, y: 50), button: .left, count: 1, modifiers: [])).code == .outsideRegion)
        #expect(A.click(150, 450).isDone)
        t.send(.windowGeometry(wa, nil))
        #expect(A.events.compactMap(\.endedLease).last! == (id, .windowClosed))
        #expect(A.click(150, 450).code == .noLease)
    }

    @Test func aWindowIsFollowedWhileAnyLeaseOnItLives() {
        let t = timeline()
        let A = t.connect("A"), B = t.connect("B")
        let first = lease(A, wa, ga, keyboard: false).leaseID!
        // B waits for the same window: a queued lease follows it too.
        let queued = B.request(.acquire(LeaseRequest(LeaseResources(area: .window(wa, geometry: ga)), mode: .wait(timeout: nil)))).1!
        #expect(queued.queuePosition == 1)
        #expect(t.engine.leases.follows(wa) && !t.engine.leases.follows(wb))
        A.release(first)                        // B is granted: still followed
        #expect(t.engine.leases.follows(wa))
        B.disconnect()
        #expect(!t.engine.leases.follows(wa))
        // A refused request leaves nothing behind.
        #expect(A.request(.acquire(LeaseRequest(LeaseResources(area: .window(wb, geometry: Region(x: 5000, y: 0, width: 10, height: 10))))))
            .1!.code == .invalidRegion)
        #expect(!t.engine.leases.follows(wb))
    }

    @Test func foreignInputIsAuditedAndPausesAgentsOnlyWhenConfigured() {
        let seen = timeline()
        let A = seen.connect("A")
        A.acquire(ga)
        let mark = seen.mark
        seen.send(.foreignInput(ForeignInput(description: "button press of button 1 from Virtual core XTEST pointer",
                                             position: Point(x: 7, y: 9), touch: .pointer)))
        let audit = seen.audits(since: mark)
        #expect(audit.count == 1)
        #expect(audit.first?.action == "foreign_input" && audit.first?.decision == .observed)
        #expect(audit.first?.reason == .foreignInput && audit.first?.points == [Point(x: 7, y: 9)])
        #expect(A.click(10, 10).isDone)

        let paused = timeline(pauseOnForeign: true)
        let B = paused.connect("B")
        B.acquire(ga)
        paused.send(.foreignInput(ForeignInput(description: "key press of keycode 38 from Virtual core XTEST keyboard", position: nil, touch: .focus)))
        let r = B.click(10, 10)
        #expect(r.code == .pausedHuman)
        #expect(B.events.contains { if case .humanActive(let why) = $0 { why.message.contains("input from another XTest client") } else { false } })
        paused.run(for: 2.s)
        #expect(B.click(10, 10).isDone)
    }

    @Test func foreignKeysNeverCountTowardsThePanicChord() {
        let t = timeline(pauseOnForeign: true)
        let A = t.connect("A")
        A.acquire(ga)
        for _ in 0..<3 { t.send(.foreignInput(ForeignInput(description: "key press", position: nil, touch: .focus))) }
        #expect(t.engine.panic.frozenSince == nil)
    }
}
