import Testing
@testable import InputMuxCore

/// A running key gesture stops, and releases what it holds, as soon as a focus report no
/// longer proves its lease (issue 15: 29 frames went out after X reported focus elsewhere).
@Suite("Focus during a gesture") struct FocusDuringGestureTests {
    let wa = WindowID(0xa00001), wb = WindowID(0xb00001)
    let ga = Region(x: 100, y: 100, width: 400, height: 300), gb = Region(x: 1000, y: 100, width: 400, height: 300)

    @Test func aFocusReportMidTypingStopsTheRestAndReleasesWhatItHolds() {
        let t = Timeline { $0.windowSystemFocus = true }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        t.send(.focusedWindow(wa, ga))
        let text = "Hunter2 Hunter2 Hunter2 Hunter2"
        let typing = A.send(.type(text: text))
        t.run(for: 40.ms)
        let sent = t.keyEvents(on: A.keyboard)
        #expect(!sent.isEmpty)
        let mark = t.mark
        t.send(.focusedWindow(wb, gb))
        t.run(for: 3.s)
        let r = A.reply(typing)
        #expect(r?.code == .focusElsewhere)
        #expect(r?.rejection?.message.contains("type stopped with") == true)
        #expect(r?.rejection?.message.contains("window 0xb00001") == true)
        // After the report only releases of what was held, nothing pressed.
        let after = t.keyEvents(since: mark, on: A.keyboard)
        #expect(after.allSatisfy { $0.1 == 0 })
        #expect(t.engine.neutral.isNeutral)
        #expect(sent.count + after.count < text.count * 2)
        #expect(t.audits(since: mark).contains { $0.decision == .aborted && $0.reason == .focusElsewhere })
    }

    @Test func aFocusReportDuringAHoldReleasesTheHeldKeysAtOnce() {
        let t = Timeline { $0.windowSystemFocus = true }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        t.send(.focusedWindow(wa, ga))
        let hold = A.send(.hold(keys: [.leftShift, KeyCode(30)], duration: .seconds(2)))
        t.run(for: 100.ms)
        #expect(t.keyEvents(on: A.keyboard).map(\.1) == [1, 1])
        let mark = t.mark
        t.send(.focusedWindow(wb, gb))
        // Released in the same turn as the report, most recent press first.
        #expect(t.keyEvents(since: mark, on: A.keyboard).map(\.0) == [30, 42])
        #expect(t.keyEvents(since: mark, on: A.keyboard).map(\.1) == [0, 0])
        #expect(A.reply(hold)?.code == .focusElsewhere)
    }

    @Test func aReportThatStillProvesTheLeaseLetsTheGestureRun() {
        let t = Timeline { $0.windowSystemFocus = true }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        t.send(.focusedWindow(wa, ga))
        let typing = A.send(.type(text: "hello"))
        t.run(for: 10.ms)
        t.send(.focusedWindow(WindowID(0xa00002), Region(x: 200, y: 200, width: 100, height: 100)))   // still inside
        t.run(for: 2.s)
        #expect(A.reply(typing) == .done)
        #expect(t.keyEvents(on: A.keyboard).count == 10)
    }

    @Test func withoutWindowSystemFocusAReportAwayFromTheClickStopsTheGestureToo() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(150, 150).isDone)
        let typing = A.send(.type(text: "Hunter2 Hunter2 Hunter2"))
        t.run(for: 30.ms)
        let mark = t.mark
        t.send(.focusedWindow(wb, gb))
        t.run(for: 3.s)
        #expect(A.reply(typing)?.code == .focusUnproven)
        #expect(t.keyEvents(since: mark, on: A.keyboard).allSatisfy { $0.1 == 0 })
        #expect(t.engine.neutral.isNeutral)
    }
}
