import Testing
@testable import InputMuxCore
import InputMuxTestSupport

@Suite("Focus evidence") struct FocusTests {
    @Test func keysNeedAClickInsideTheRegionFirst() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        let r = A.perform(.type(text: "hi"))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("click inside 0,0,960x1080"))
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.type(text: "hi")).isDone)
        #expect(t.keyEvents(on: A.keyboard).map(\.0) == [35, 35, 23, 23])  // h, i
    }

    @Test func aHumanClickBlocksTypingUntilTheAgentClicksBack() {
        let t = Timeline()
        let A = t.connect("A")
        t.at(0.ms) { A.acquire(leftHalf, keyboard: true) }
        t.at(10.ms) { #expect(A.click(100, 100).isDone) }
        t.at(100.ms) { #expect(A.perform(.type(text: "a")).isDone) }
        t.at(200.ms) { t.humanClick() }               // the human clicks somewhere
        t.at(1500.ms)                                // quiet period over
        let mark = t.mark
        let blocked = t.at(1500.ms) { A.perform(.type(text: "b")) }
        #expect(blocked.code == .focusUnproven)
        #expect(blocked.rejection!.message == "keys rejected: focus may have left your region (human click at t+200.0ms); click inside 0,0,960x1080 first")
        #expect(t.frames(since: mark).isEmpty)
        t.at(1600.ms) { #expect(A.click(100, 100).isDone) }
        t.at(1700.ms) { #expect(A.perform(.type(text: "b")).isDone) }
    }

    @Test func anotherAgentsClickMovesFocusAway() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        #expect(A.click(100, 100).isDone)
        #expect(B.click(1000, 100).isDone)
        let r = A.perform(.keyChord(keys: [.leftCtrl, KeyCode(31)], repeat: 1))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("click by agent \"B\"#2"))
    }

    @Test func aClickThatNeverRanProvesNothing() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        // B's drag runs first; A's click waits behind it and is dropped by human motion.
        B.send(.drag(path: [Point(x: 1000, y: 10), Point(x: 1800, y: 900)], button: .left, modifiers: []))
        let click = A.send(.click(at: Point(x: 100, y: 100), button: .left, count: 1, modifiers: []))
        t.run(for: 30.ms)
        t.humanMove(dx: 1, dy: 1)
        #expect(A.reply(click)?.code == .pausedHuman)
        t.run(for: 2.s)
        // Focus is where B's drag pressed, not in A's region: A must click again.
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.type(text: "x")).isDone)
    }

    @Test func aClickOutsideTheKeyboardRegionIsNoEvidence() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(Region(x: 0, y: 0, width: 100, height: 100), keyboard: true)
        A.acquire(Region(x: 500, y: 0, width: 100, height: 100))
        #expect(A.click(550, 50).isDone)    // its own pointer-only lease
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
    }

    @Test func humanAltOrSuperChordsCountAsFocusChanges() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(100, 100)
        t.humanKeys(press: [.leftAlt, .tab])
        t.humanKeys(release: [.leftAlt, .tab])
        t.run(for: 1100.ms)
        let r = A.perform(.type(text: "x"))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("human Alt/Super chord"))
    }

    @Test func humanTypingAloneDoesNotMoveFocus() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(100, 100)
        t.humanKeys(press: [KeyCode(30)])
        t.humanKeys(release: [KeyCode(30)])
        t.run(for: 1100.ms)
        #expect(A.perform(.type(text: "x")).isDone)
    }

    /// Alt+Tab goes wherever the desktop sends it, the human's window or another agent's:
    /// the sender's own evidence ends too (issue 15: "hunter" was typed after alt+tab).
    @Test func anAgentsOwnAltChordEndsItsEvidence() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.leftAlt, .tab], repeat: 1)).isDone)
        let mark = t.mark
        let r = A.perform(.type(text: "hunter"))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("Alt/Super chord by agent \"A\"#1"))
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.type(text: "x")).isDone)
    }

    @Test func superAloneAndAltWithAnyKeyEndTheEvidence() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.leftMeta], repeat: 1)).isDone)
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.rightAlt, KeyCode(33)], repeat: 1)).isDone)   // alt+f
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.raw(device: .keyboard, frames: [Frame([keyEvent(125, 1)]), Frame([keyEvent(125, 0)])])).isDone)
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
    }

    /// Alt held from an earlier key_down turns a later click and key into Alt+click, Alt+Tab.
    @Test func anAltHeldFromAnEarlierGestureMakesLaterKeysAChord() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyDown(.leftAlt)).isDone)
        #expect(A.click(100, 100).isDone)          // Alt+click: may move the window, proves nothing
        #expect(A.perform(.keyChord(keys: [.tab], repeat: 1)).code == .focusUnproven)
        #expect(A.perform(.keyUp(.leftAlt)).isDone)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.type(text: "x")).isDone)
    }

    /// Queued back to back: the Alt is not down yet when the click is accepted.
    @Test func anAltStillQueuedCountsToo() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        A.send(.keyDown(.leftAlt))
        A.send(.click(at: Point(x: 100, y: 100), button: .left, count: 1, modifiers: []))
        let typing = A.send(.keyChord(keys: [.tab], repeat: 1))
        #expect(A.reply(typing)?.code == .focusUnproven)
    }

    @Test func withAWindowSystemTheFocusedWindowInsideTheRegionIsEvidence() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        t.send(.focusedWindow(WindowID(0x10), Region(x: 100, y: 100, width: 300, height: 200)))
        #expect(A.perform(.type(text: "x")).isDone)       // no click needed: X11 says where focus is
        t.send(.focusedWindow(WindowID(0x11), Region(x: 900, y: 100, width: 300, height: 200)))   // straddles the edge
        let r = A.perform(.type(text: "y"))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("the window system focused window 0x11"))
    }

    @Test func aWindowSystemReportAgreeingWithTheClickKeepsTheEvidence() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(Region(x: 0, y: 0, width: 500, height: 500), keyboard: true)
        #expect(A.click(100, 100).isDone)
        // The clicked window is larger than the region, but it holds the click.
        t.send(.focusedWindow(WindowID(0x20), Region(x: 0, y: 0, width: 800, height: 600)))
        #expect(A.perform(.type(text: "x")).isDone)
        // A dialog steals focus: something nobody here did.
        t.send(.focusedWindow(WindowID(0x21), Region(x: 600, y: 0, width: 100, height: 100)))
        #expect(A.perform(.type(text: "x")).code == .focusUnproven)
    }
}

/// A gesture that moves the focus itself may not press more keys after the chord: they
/// would go wherever the chord sent the focus (raw alt, tab, then "hunter" in one gesture).
@Suite("Focus chords inside one gesture") struct FocusChordGestureTests {
    func press(_ k: UInt16) -> Frame { Frame([keyEvent(k, 1)]) }
    func release(_ k: UInt16) -> Frame { Frame([keyEvent(k, 0)]) }

    @Test func rawAltTabThenTextIsRefusedWhole() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        let mark = t.mark
        let hunter: [UInt16] = [35, 22, 49, 20, 18, 19]
        let frames = [press(56), press(15), release(15), release(56)] + hunter.flatMap { [press($0), release($0)] }
        let r = A.perform(.raw(device: .keyboard, frames: frames))
        #expect(r.code == .focusUnproven)
        #expect(r.rejection!.message.contains("keyboard frame 4 presses KEY(35) after KEY(15)"))
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
    }

    @Test func superAloneThenTextIsRefused() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        let r = A.perform(.raw(device: .keyboard, frames: [press(125), release(125), press(30), release(30)]))
        #expect(r.code == .focusUnproven)
    }

    @Test func aRepeatedOrLongAltChordIsRefusedButOneChordGoesThrough() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.leftAlt, .tab], repeat: 2)).code == .focusUnproven)
        #expect(A.perform(.keyChord(keys: [.leftAlt, KeyCode(30), KeyCode(48)], repeat: 1)).code == .focusUnproven)
        #expect(A.perform(.keyChord(keys: [.leftCtrl, .leftShift, .tab], repeat: 3)).isDone)   // no Alt/Super: fine
        #expect(A.perform(.keyChord(keys: [.leftAlt, .leftShift, .tab], repeat: 1)).isDone)
    }
}

/// Found by the model test: a session holding the seat (keys or buttons down) runs its own
/// gestures before earlier ones of others, so a click accepted after another agent's drag
/// can run before it. Evidence recorded at acceptance then said "A clicked last" while the
/// seat had B's drag last: A's keys went wherever B pressed.
@Suite("Focus in seat order") struct FocusSeatOrderTests {
    @Test func aClickThatRanBeforeAnEarlierAcceptedDragProvesNothingAfterIt() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf, keyboard: true)
        B.acquire(rightHalf)
        #expect(A.perform(.keyDown(.leftShift)).code == .focusUnproven)   // no click yet
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyDown(.leftShift)).isDone)                  // A now holds the seat
        let drag = B.send(.drag(path: [Point(x: 1000, y: 100), Point(x: 1200, y: 300)], button: .left, modifiers: []))
        let click = A.send(.click(at: Point(x: 100, y: 100), button: .left, count: 1, modifiers: []))   // runs before B's drag
        let up = A.send(.keyUp(.leftShift))                             // lets the seat go: B's drag runs
        let mark = t.mark
        let typing = A.send(.type(text: "x"))                           // accepted: A's click was accepted last
        t.run(for: 2.s)
        #expect(A.reply(click) == .done && A.reply(up) == .done && B.reply(drag) == .done)
        #expect(A.reply(typing)?.code == .focusUnproven)
        #expect(A.reply(typing)?.rejection?.message.contains("click by agent \"B\"#2 ran on the seat after your click") == true)
        #expect(t.keyEvents(since: mark, on: A.keyboard).filter { $0.1 == 1 }.isEmpty)   // only the shift release
    }
}

/// AltGr (right Alt) in typed text is a level shift, not a focus chord: on layouts that
/// type "@" as AltGr+Q, text goes through whole.
@Suite("Typing with AltGr") struct AltGrTypingTests {
    struct AltGrKeymap: Keymap {
        var layout: String { "de-like (test double)" }
        func stroke(for c: Character) -> KeyStroke? {
            switch c {
            case "@": KeyStroke(key: KeyCode(16), modifiers: [.rightAlt])   // AltGr+Q
            case "€": KeyStroke(key: KeyCode(18), modifiers: [.rightAlt])   // AltGr+E
            default: USKeymap().stroke(for: c)
            }
        }
    }

    @Test func textWithAltGrCharactersIsTypedWhole() {
        let t = Timeline { $0.keymap = AltGrKeymap() }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.click(100, 100).isDone)
        let mark = t.mark
        #expect(A.perform(.type(text: "a@b€c")).isDone)
        #expect(t.keyEvents(since: mark, on: A.keyboard).filter { $0.1 == 1 }.map(\.0) == [30, 100, 16, 48, 100, 18, 46])
        #expect(A.perform(.type(text: "d")).isDone)   // typing is no focus chord
    }
}

/// Found by the model test (seed 102): a click whose button is already down (an earlier
/// mouse_down) presses nothing the seat sees, so it moves no focus and proves nothing.
@Suite("Clicks the seat never sees") struct SwallowedClickTests {
    @Test func aClickWithItsButtonAlreadyDownProvesNothing() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        #expect(A.perform(.mouseDown(at: Point(x: 100, y: 100), button: .left)).isDone)
        #expect(A.perform(.keyChord(keys: [.leftMeta], repeat: 1)).isDone)    // Super: focus may be anywhere
        let mark = t.mark
        let click = A.send(.click(at: Point(x: 100, y: 100), button: .left, count: 1, modifiers: []))   // no press reaches the seat
        let typing = A.send(.type(text: "x"))                                   // accepted: the click was
        t.run(for: 2.s)
        #expect(A.reply(click) == .done)
        #expect(!t.frames(since: mark, on: A.pointer).contains { $0.1.events.contains { $0.type == EV.key && $0.value == 1 } })
        #expect(A.reply(typing)?.code == .focusUnproven)
        #expect(t.keyEvents(since: mark, on: A.keyboard).filter { $0.1 == 1 }.isEmpty)
    }
}
