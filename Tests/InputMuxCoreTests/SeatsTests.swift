import Testing
@testable import InputMuxCore

/// Seats of their own (DESIGN §5a): gestures side by side, keyboards bound to areas,
/// focus put on the lease, and the human pausing only the leases it touches.
@Suite("Seats") struct SeatsTests {
    let wa = WindowID(0xa00001), wb = WindowID(0xb00001), wc = WindowID(0xc00001)
    let ga = Region(x: 0, y: 0, width: 400, height: 300), gb = Region(x: 500, y: 0, width: 400, height: 300)
    let gc = Region(x: 1000, y: 0, width: 400, height: 300)
    let text = "the quick brown fox jumps over the lazy dog"

    func timeline(pause: HumanPauseScope = .touched) -> Timeline {
        Timeline { $0.windowSystemFocus = true; $0.humanPause = pause }
    }

    /// Connects an agent and gives it a seat of its own, as the daemon does before hello.
    func seated(_ t: Timeline, _ name: String) -> Agent {
        let a = t.connect(name)
        t.send(.seat(a.id, .own(name: "inputmux agent \(name)#\(a.id)")))
        return a
    }

    @discardableResult
    func lease(_ a: Agent, _ w: WindowID, _ g: Region, keyboard: Bool = true, mode: AcquireMode = .wait(timeout: nil)) -> Reply {
        a.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: g), pointer: true, keyboard: keyboard), mode: mode))).1!
    }

    func focusCommands(_ t: Timeline, since mark: Int = 0) -> [(SessionID, SeatFocusTarget)] {
        t.records(since: mark).compactMap { if case .focusSeat(let s, let f) = $0 { return (s, f) } else { return nil } }
    }

    /// When each of the agent's frames went out.
    func frameTimes(_ t: Timeline, _ a: Agent) -> [Instant] {
        t.timedFrames(on: a.keyboard).map(\.0)
    }

    @Test func threeSeatsTypeSideBySideInTheTimeOfOne() throws {
        func run(_ count: Int) -> (first: [Instant], last: [Instant], done: Bool) {
            let t = timeline()
            let agents = [("A", wa, ga), ("B", wb, gb), ("C", wc, gc)].prefix(count).map { n, w, g in
                let a = seated(t, n)
                lease(a, w, g)
                return a
            }
            let requests = agents.map { $0.send(.type(text: text)) }
            t.run(for: 10.s)
            let done = zip(agents, requests).allSatisfy { $0.reply($1) == .done }
            return (agents.map { frameTimes(t, $0).first! }, agents.map { frameTimes(t, $0).last! }, done)
        }
        let alone = run(1)
        let together = run(3)
        #expect(alone.done && together.done)
        let oneText = alone.last[0] - alone.first[0]
        #expect(oneText > 100.ms, "pacing should make one text take a while: \(oneText)")
        // All three start at once and end when one text alone would.
        #expect(Set(together.first).count == 1, "the three seats did not start together: \(together.first)")
        for end in together.last { #expect(end - together.first[0] <= oneText + 5.ms) }
    }

    @Test func theSharedSeatStillRunsOneGestureAtATime() {
        let t = timeline()
        let A = t.connect("A"), B = t.connect("B")
        lease(A, wa, ga, keyboard: false)
        lease(B, wb, gb, keyboard: false)
        let a = A.send(.drag(path: [Point(x: 10, y: 10), Point(x: 300, y: 200)], button: .left, modifiers: []))
        let b = B.send(.click(at: Point(x: 600, y: 100), button: .left, count: 1, modifiers: []))
        t.run(for: 5.s)
        #expect(A.reply(a) == .done && B.reply(b) == .done)
        let aEnd = t.timedFrames(on: A.pointer).map(\.0).last!, bStart = t.timedFrames(on: B.pointer).map(\.0).first!
        #expect(bStart >= aEnd, "B's click interleaved with A's drag on the shared seat")
    }

    @Test func keyboardsOfOwnSeatsConflictOnlyWhereTheirAreasOverlap() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B"), C = t.connect("C")
        #expect(lease(A, wa, ga).isGranted)
        #expect(lease(B, wb, gb).isGranted, "a second own seat's keyboard lease on another window")
        // Overlapping areas conflict, keyboard or not.
        let overlap = B.acquire(Region(x: 300, y: 100, width: 100, height: 100), keyboard: true, mode: .try)
        #expect(overlap.code == .conflict)
        // A session on the shared seat types where the human's focus is: its keyboard
        // conflicts with every other keyboard lease.
        #expect(lease(C, wc, gc, mode: .try).code == .conflict)
        #expect(lease(C, wc, gc, keyboard: false, mode: .try).isGranted)
    }

    @Test func theSeatsFocusGoesToTheLeaseAtGrantAndBeforeEachKeyGesture() {
        let t = timeline()
        let A = seated(t, "A"), B = t.connect("B")
        let m = t.mark
        lease(A, wa, ga)
        #expect(focusCommands(t, since: m).map(\.1) == [.window(wa)])
        // No report of the human's focus is needed: the seat's focus is InputMux's to set.
        let m2 = t.mark
        #expect(A.perform(.type(text: "hi")).isDone)
        #expect(A.perform(.keyChord(keys: [KeyCode(28)], repeat: 1)).isDone)
        #expect(focusCommands(t, since: m2).map(\.0) == [A.id, A.id])
        #expect(t.keyEvents(on: A.keyboard).count == 6)
        // A shared-seat session's focus is never set.
        lease(B, wb, gb)
        #expect(!focusCommands(t).contains { $0.0 == B.id })
    }

    @Test func keysAreDroppedWhenTheWindowSystemRefusesTheSeatsFocus() {
        let t = timeline()
        let A = seated(t, "A")
        lease(A, wa, ga)
        t.out.refusedSeatFocus = [.window(wa)]
        let r = A.perform(.type(text: "secret"))
        #expect(r.code == .focusElsewhere)
        #expect(r.rejection!.message.contains("unmapped or gone"))
        #expect(t.keyEvents(on: A.keyboard).isEmpty)
        t.out.refusedSeatFocus = []
        #expect(A.perform(.type(text: "ok")).isDone)
    }

    @Test func keysStopWhenTheWindowSystemMovesTheSeatsFocusAway() {
        let t = timeline()
        let A = seated(t, "A")
        lease(A, wa, ga)
        let typing = A.send(.type(text: text))
        t.run(for: 30.ms)
        #expect(t.engine.ownSeatsTyping().map(\.1) == [.window(wa)])
        let sent = t.keyEvents(on: A.keyboard).count
        t.send(.seatFocusLost(A.id))
        t.run(for: 5.s)
        #expect(A.reply(typing)?.code == .focusElsewhere)
        #expect(A.reply(typing)!.rejection!.message.contains("moved your seat's focus away from lease"))
        #expect(t.keyEvents(on: A.keyboard).count <= sent + 2, "keys went on after the focus was lost")
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(t.engine.ownSeatsTyping().isEmpty)
    }

    @Test func onARegionLeaseKeysGoUnderTheSeatsOwnPointer() {
        let t = timeline()
        let A = seated(t, "A")
        #expect(A.acquire(ga, keyboard: true).isGranted)
        let before = A.perform(.type(text: "x"))
        #expect(before.code == .focusUnproven)
        #expect(before.rejection!.message.contains("move or click inside"))
        #expect(A.click(100, 100).isDone)
        let m = t.mark
        #expect(A.perform(.type(text: "x")).isDone)
        #expect(focusCommands(t, since: m).map(\.1) == [.underPointer(Point(x: 100, y: 100))])
    }

    @Test func anotherAgentsClicksNeverStopAnOwnSeatsTyping() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga, keyboard: false)
        lease(B, wb, gb)
        let typing = B.send(.type(text: String(repeating: text, count: 3)))
        var clicks: [RequestID] = []
        for i in 0..<50 { clicks.append(A.send(.click(at: Point(x: Int32(10 + i * 5), y: 100), button: .left, count: 1, modifiers: []))) }
        t.run(for: 30.s)
        #expect(B.reply(typing) == .done)
        #expect(clicks.allSatisfy { A.reply($0) == .done })
        #expect(t.keyEvents(on: B.keyboard).count == 2 * 3 * text.count)
    }

    @Test func theHumansClickPausesOnlyTheLeaseUnderIt() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B"), C = t.connect("C")
        lease(A, wa, ga)
        lease(B, wb, gb)
        C.acquire(gc)
        let typingA = A.send(.type(text: text)), typingB = B.send(.type(text: text))
        t.run(for: 20.ms)
        t.send(.humanPointer(Point(x: 100, y: 100)))      // over A's window
        t.humanClick()
        t.run(for: 10.s)
        #expect(A.reply(typingA)?.code == .abortedByHuman)
        #expect(B.reply(typingB) == .done)
        #expect(A.events.contains { if case .humanActive = $0 { true } else { false } })
        #expect(!B.events.contains { if case .humanActive = $0 { true } else { false } })
        // C shares the human's seat: any input pauses it.
        #expect(C.events.contains { if case .humanActive = $0 { true } else { false } })
        // A resumes after the quiet period.
        #expect(A.events.contains(.humanQuiet))
        #expect(A.perform(.type(text: "x")).isDone)
    }

    @Test func theHumansKeysPauseOnlyTheLeaseTheirFocusIsIn() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga)
        lease(B, wb, gb)
        t.send(.focusedWindow(wb, gb))
        t.humanKeys(press: [KeyCode(30)])
        t.humanKeys(release: [KeyCode(30)])
        #expect(A.perform(.type(text: "x")).isDone, "A's lease is not where the human types")
        #expect(B.perform(.type(text: "x")).code == .pausedHuman)
        #expect(B.perform(.type(text: "x")).rejection!.message.contains("in your lease"))
        // Pointer motion alone touches nothing.
        t.run(for: 2.s)
        t.humanMove(dx: 5, dy: 5)
        #expect(B.perform(.type(text: "x")).isDone)
    }

    @Test func inDoubtTheHumanPausesEveryone() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga)
        lease(B, wb, gb)
        // Nobody said where the human's pointer is; nobody says within the limit.
        t.humanClick()
        t.run(for: 60.ms)
        #expect(A.perform(.type(text: "x")).code == .pausedHuman)
        #expect(B.perform(.type(text: "x")).code == .pausedHuman)
    }

    @Test func aClickAfterTheHumanMovedWaitsForWhereThePointerIs() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga)
        lease(B, wb, gb)
        t.send(.humanPointer(Point(x: 100, y: 100)))      // over A's window
        t.humanMove(dx: 500, dy: 0)                       // now over B's, as the window system will say
        t.humanClick()
        #expect(t.engine.humanTouchedAt != nil, "the daemon must be asked where the click went")
        t.send(.humanPointer(Point(x: 600, y: 100)))
        #expect(A.perform(.type(text: "x")).isDone, "A was paused for a click that landed on B's window")
        #expect(B.perform(.type(text: "x")).code == .pausedHuman)
    }

    @Test func keysAfterTheHumanClickedWaitForWhereTheFocusIs() {
        let t = timeline()
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga)
        lease(B, wb, gb)
        t.send(.humanPointer(Point(x: 1500, y: 500)))     // over neither
        t.send(.focusedWindow(wa, ga))
        t.humanClick()                                    // may move the focus
        t.humanKeys(press: [KeyCode(30)])
        t.send(.focusedWindow(wb, gb))                     // it did: to B's window
        #expect(A.perform(.type(text: "x")).isDone)
        #expect(B.perform(.type(text: "x")).code == .pausedHuman)
    }

    @Test func pauseAllPausesOwnSeatsToo() {
        let t = timeline(pause: .all)
        let A = seated(t, "A"), B = seated(t, "B")
        lease(A, wa, ga)
        lease(B, wb, gb)
        t.send(.humanPointer(Point(x: 100, y: 100)))
        t.humanClick()
        #expect(A.perform(.type(text: "x")).code == .pausedHuman)
        #expect(B.perform(.type(text: "x")).code == .pausedHuman)
    }

    @Test func thePanicChordFreezesOwnSeatsToo() {
        let t = timeline()
        let A = seated(t, "A")
        lease(A, wa, ga)
        let typing = A.send(.type(text: text))
        t.run(for: 20.ms)
        // The human types elsewhere: the chord's first keys touch nothing of A's.
        t.send(.focusedWindow(wb, gb))
        t.humanKeys(press: PanicChord.standard.keys)
        #expect(A.reply(typing)?.code == .panic)
        #expect(A.events.contains { if case .frozen = $0 { true } else { false } })
        #expect(t.engine.leases.leases(of: A.id).isEmpty)
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
    }

    @Test func statusListsTheSeatsAndTheAuditSaysWhoGotWhich() {
        let t = timeline()
        let m = t.mark
        let A = seated(t, "A"), B = t.connect("B")
        t.send(.seat(B.id, .shared(reason: "the X server refused a seat of its own")))
        let seats = A.status().seats
        #expect(seats.map(\.session) == [A.id])
        #expect(seats.first?.name == "inputmux agent A#\(A.id)")
        let audits = t.audits(since: m).filter { $0.action == "seat" }
        #expect(audits.count == 2)
        #expect(audits[0].message.contains("has a seat of its own: inputmux agent A#"))
        #expect(audits[1].message.contains("shares the human's seat: the X server refused"))
        A.disconnect()
        #expect(t.engine.seats.own.isEmpty)
    }

    @Test func aLostSeatStopsWhatRanOnItAndTheSessionSharesTheHumansSeat() {
        let t = timeline()
        let A = seated(t, "A")
        lease(A, wa, ga)
        let typing = A.send(.type(text: text))
        t.run(for: 20.ms)
        t.send(.seat(A.id, .shared(reason: "the X server did not add its devices")))
        #expect(A.reply(typing)?.code == .desktopChanged)
        #expect(A.reply(typing)!.rejection!.message.contains("you share the human's seat from now on"))
        #expect(t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(t.engine.seats.own.isEmpty)
        t.send(.focusedWindow(wa, ga))
        #expect(A.perform(.type(text: "x")).isDone)
    }

    @Test func anEndingSessionReleasesWhatItsSeatHeld() {
        let t = timeline()
        let A = seated(t, "A")
        lease(A, wa, ga)
        _ = A.send(.mouseDown(at: Point(x: 50, y: 50), button: .left))
        _ = A.send(.keyDown(KeyCode(42)))      // Shift
        t.run(for: 1.s)
        #expect(!t.engine.neutral.held(on: A.pointer).isEmpty)
        let m = t.mark
        A.disconnect()
        let released = t.frames(since: m).flatMap { $0.1.events }.filter { $0.type == EV.key && $0.value == 0 }
        #expect(released.count == 2)
        #expect(t.engine.neutral.held(on: A.pointer).isEmpty && t.engine.neutral.held(on: A.keyboard).isEmpty)
    }
}
