import Testing
@testable import InputMuxCore

/// Keys and chords that act on the whole machine (DESIGN §3 item 6): refused on every
/// path, whichever gesture or frame completes them, unless policy allows the chord.
@Suite("Machine keys") struct MachineKeyTests {
    static let sysrq = KeyCode(99), s = KeyCode(31), f2 = KeyCode(60), power = KeyCode(116), kpDot = KeyCode(83)

    /// An agent with a keyboard lease on the left half that proved focus with a click.
    func proven(_ t: Timeline, _ name: String = "A", _ policy: SessionPolicy = .agent) -> Agent {
        let a = t.connect(name, policy)
        a.acquire(name == "A" ? leftHalf : rightHalf, keyboard: true)
        #expect(a.click(name == "A" ? 100 : 1000, 100).isDone)
        return a
    }

    func press(_ k: KeyCode) -> Frame { Frame([keyEvent(k.rawValue, 1)]) }
    func release(_ k: KeyCode) -> Frame { Frame([keyEvent(k.rawValue, 0)]) }

    @Test func ctrlAltDeleteIsRefusedAndNamesTheChordAndThePolicySetting() {
        let t = Timeline()
        let A = proven(t)
        let mark = t.mark
        let r = A.perform(.keyChord(keys: [.leftCtrl, .leftAlt, .delete], repeat: 1))
        #expect(r.code == .machineKey)
        #expect(r.rejection!.message.contains("ctrl+alt+delete"))
        #expect(r.rejection!.message.contains("allow_machine_keys = [\"ctrl+alt+delete\"]"))
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
        #expect(t.audits(since: mark).contains { $0.reason == .machineKey && $0.decision == .rejected })
        // Right Ctrl and the keypad Delete count too.
        #expect(A.perform(.keyChord(keys: [.rightCtrl, .rightAlt, Self.kpDot], repeat: 1)).code == .machineKey)
        #expect(A.perform(.keyChord(keys: [.leftCtrl, .leftAlt, .backspace], repeat: 1)).code == .machineKey)
        #expect(A.perform(.hold(keys: [.leftCtrl, .leftAlt, Self.f2], duration: .milliseconds(50))).code == .machineKey)
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
    }

    @Test func everyCtrlAltFunctionKeyIsRefused() {
        let t = Timeline()
        let A = proven(t)
        for code: UInt16 in [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88] {
            #expect(A.perform(.keyChord(keys: [.leftCtrl, .leftAlt, KeyCode(code)], repeat: 1)).code == .machineKey)
        }
        // Ctrl+F2 and Alt+F4 are ordinary shortcuts.
        #expect(A.perform(.keyChord(keys: [.leftCtrl, Self.f2], repeat: 1)).isDone)
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.leftAlt, KeyCode(62)], repeat: 1)).isDone)
    }

    @Test func altSysRqIsRefusedButPrintScreenAloneIsNot() {
        let t = Timeline()
        let A = proven(t)
        let r = A.perform(.keyChord(keys: [.leftAlt, Self.sysrq, Self.s], repeat: 1))
        #expect(r.code == .machineKey)
        #expect(r.rejection!.message.contains("alt+sysrq"))
        #expect(A.perform(.keyChord(keys: [.rightAlt, Self.sysrq], repeat: 1)).code == .machineKey)
        let mark = t.mark
        #expect(A.perform(.keyChord(keys: [Self.sysrq], repeat: 1)).isDone)
        #expect(t.keyEvents(since: mark, on: A.keyboard).map(\.0) == [99, 99])
    }

    @Test func rawFramesAltSysRqSAreRefusedWhole() {
        let t = Timeline()
        let A = proven(t)
        let mark = t.mark
        let r = A.perform(.raw(device: .keyboard, frames: [press(.leftAlt), press(Self.sysrq), press(Self.s),
                                                           release(Self.s), release(Self.sysrq), release(.leftAlt)]))
        #expect(r.code == .machineKey)
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
        // SysRq pressed first, then Alt: the press of Alt completes it just the same.
        #expect(A.perform(.raw(device: .keyboard, frames: [press(Self.sysrq), press(.leftAlt)])).code == .machineKey)
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
    }

    @Test func aChordCompletedByAKeyHeldFromAnEarlierGestureIsRefused() {
        let t = Timeline()
        let A = proven(t)
        #expect(A.perform(.keyDown(.leftCtrl)).isDone)
        let mark = t.mark
        let r = A.perform(.keyChord(keys: [.leftAlt, .delete], repeat: 1))
        #expect(r.code == .machineKey)
        #expect(r.rejection!.message.contains("ctrl+alt+delete"))
        #expect(A.perform(.raw(device: .keyboard, frames: [press(.leftAlt), press(Self.f2)])).code == .machineKey)
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
        #expect(A.perform(.keyUp(.leftCtrl)).isDone)
    }

    @Test func aChordCompletedByAHeldKeyStillQueuedIsDroppedWhenItWouldStart() {
        let t = Timeline()
        let A = proven(t)
        // Both accepted at once: when the second is accepted, ctrl is not down yet.
        let down = A.send(.keyDown(.leftCtrl))
        let chord = A.send(.keyChord(keys: [.leftAlt, Self.f2], repeat: 1))
        t.run(for: 1.s)
        #expect(A.reply(down) == .done)
        #expect(A.reply(chord)?.code == .machineKey)
        #expect(t.keyEvents(on: A.keyboard).map(\.0) == [29])   // ctrl only: nothing of the chord
    }

    @Test func withAWindowSystemHeldAltThenARawSysRqFrameIsRefused() {
        let t = Timeline { $0.windowSystemFocus = true }
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        let window = WindowID(0x10), g = Region(x: 100, y: 100, width: 300, height: 200)
        t.send(.focusedWindow(window, g))
        #expect(A.perform(.keyDown(.leftAlt)).isDone)
        t.send(.focusedWindow(WindowID(0x11), g))     // the window system reports again after the Alt
        t.send(.focusedWindow(window, g))
        let mark = t.mark
        #expect(A.perform(.raw(device: .keyboard, frames: [press(Self.sysrq)])).code == .machineKey)
        #expect(t.keyEvents(since: mark, on: A.keyboard).isEmpty)
    }

    @Test func modifiersHeldOnAnotherAgentsKeyboardCount() {
        // One keyboard lease at a time, and ending it releases its keys: through the
        // engine another agent's keys cannot be held while one types. The matcher still
        // merges modifiers across agent keyboards, as the console and the X server do.
        var n = NeutralState()
        _ = n.filter(Frame([keyEvent(29, 1)]), on: .agentKeyboard(SessionID(1)))
        _ = n.filter(Frame([keyEvent(56, 1)]), on: .agentKeyboard(SessionID(1)))
        let c = MachineKeys.completed(in: [Frame([keyEvent(60, 1)])], on: SessionID(2), neutral: n, allowed: [])
        #expect(c?.name == "ctrl+alt+f2")
        #expect(MachineKeys.completed(in: [Frame([keyEvent(60, 1)])], on: SessionID(2), neutral: n,
                                      allowed: ["ctrl+alt+f2"]) == nil)
        #expect(MachineKeys.completed(in: [Frame([keyEvent(60, 1)])], on: SessionID(2), neutral: NeutralState(),
                                      allowed: []) == nil)
    }

    @Test func policyMayAllowAListedChordForARule() {
        let t = Timeline()
        var policy = SessionPolicy.agent
        policy.allowedMachineChords = ["ctrl+alt+f2"]
        let A = proven(t, "A", policy)
        let mark = t.mark
        #expect(A.perform(.keyChord(keys: [.leftCtrl, .leftAlt, Self.f2], repeat: 1)).isDone)
        #expect(t.keyEvents(since: mark, on: A.keyboard).map(\.0) == [29, 56, 60, 60, 56, 29])
        #expect(A.click(100, 100).isDone)
        #expect(A.perform(.keyChord(keys: [.leftCtrl, .leftAlt, KeyCode(61)], repeat: 1)).code == .machineKey)
    }

    @Test func machineKeysAreOffTheAgentKeyboardAndNoPolicyAllowsThem() {
        for k in MachineKeys.removedKeys {
            #expect(!AgentDeviceProfile.keyboardHas(k.code))
            #expect(!AgentDeviceProfile.keyboardKeys.contains(k.code.rawValue))
        }
        #expect(AgentDeviceProfile.keyboardKeys.contains(99))   // SysRq / Print Screen stays
        #expect(AgentDeviceProfile.keyboardKeys.contains(113))  // mute stays
        let t = Timeline()
        let A = proven(t)
        let r = A.perform(.keyChord(keys: [Self.power], repeat: 1))
        #expect(r.code == .machineKey)
        #expect(r.rejection!.message.contains("KEY_POWER"))
        #expect(r.rejection!.message.contains("no policy can allow it"))
        #expect(A.perform(.raw(device: .keyboard, frames: [press(Self.power)])).code == .machineKey)
        #expect(A.perform(.keyDown(KeyCode(247))).code == .machineKey)   // rfkill
        #expect(A.perform(.hold(keys: [KeyCode(142)], duration: .milliseconds(10))).code == .machineKey)  // sleep
        #expect(t.keyEvents(on: A.keyboard).isEmpty)
    }

    @Test func chordNamesRoundTrip() {
        #expect(MachineKeys.chords.count == 16)
        #expect(MachineKeys.chord(named: "CTRL+ALT+F12")?.key == KeyCode(88))
        #expect(MachineKeys.chord(named: "alt+sysrq")?.key == KeyCode(99))
        #expect(MachineKeys.chord(named: "ctrl+alt+f13") == nil)
    }
}
