import Testing
import InputMuxCore
import InputMuxTestSupport

@Test func chordPressesModifiersFirstAndRepeats() throws {
    let t = KeyCode(20)
    let frames = try compiler.compile(.keyChord(keys: [t, .leftCtrl, .leftShift], repeat: 2), context: CompileContext())
    let keys = Frames.keyEvents(frames)
    let once: [UInt16] = [29, 42, 20, 20, 42, 29]
    #expect(keys.map(\.code) == once + once)
    #expect(keys.map(\.value) == [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0])
    #expect(frames.allSatisfy { $0.frame.events.count == 1 })
    #expect(keys[6].offset - keys[5].offset == Pacing.standard.typingInterval)
    #expect(Frames.checkPressReleasePairs(frames, hold: Pacing.standard.minimumHold))
}

@Test func badChordsAreRejected() {
    let bad: [Gesture] = [
        .keyChord(keys: [], repeat: 1),
        .keyChord(keys: [KeyCode(30), KeyCode(30)], repeat: 1),
        .keyChord(keys: [KeyCode(30)], repeat: 0),
        .keyChord(keys: [KeyCode(30)], repeat: GestureCompiler.maximumRepeat + 1),
        .keyDown(KeyCode(MouseButton.left.code)),
        .keyUp(KeyCode(0)),
        .hold(keys: [KeyCode(30)], duration: .milliseconds(-5)),
        .type(text: ""),
        .wait(.seconds(-1)),
    ]
    for g in bad {
        #expect(throws: Rejection.self, "\(g)") { try compiler.compile(g, context: CompileContext()) }
    }
}

@Test func keyDownAndUpAreSingleFrames() throws {
    let down = try compiler.compile(.keyDown(KeyCode(30)), context: CompileContext())
    let up = try compiler.compile(.keyUp(KeyCode(30)), context: CompileContext())
    #expect(down.map(\.frame) == [Frame([EvdevEvent(type: EV.key, code: 30, value: 1)])])
    #expect(up.map(\.frame) == [Frame([EvdevEvent(type: EV.key, code: 30, value: 0)])])
}

@Test func waitEmitsNothingButSpansItsDuration() throws {
    let g = Gesture.wait(.milliseconds(250))
    let frames = try compiler.compile(g, context: CompileContext())
    #expect(frames.isEmpty)
    #expect(GestureCompiler.span(of: g, frames: frames) == .milliseconds(250))
}

private func ev(_ type: UInt16, _ code: UInt16, _ value: Int32) -> EvdevEvent { EvdevEvent(type: type, code: code, value: value) }

@Test func rawFramesAreValidatedEventByEvent() {
    let bad: [(Gesture.RawDevice, Frame)] = [
        (.pointer, Frame([])),
        (.pointer, Frame([ev(EV.syn, SYN.report, 0)])),
        (.pointer, Frame([ev(0x11, 0, 1)])),                       // EV_LED
        (.pointer, Frame([ev(EV.rel, REL.x, 5)])),                 // agent pointers are absolute
        (.pointer, Frame([ev(EV.key, 30, 1)])),                    // a key on the pointer
        (.pointer, Frame([ev(EV.key, 0x14a, 1)])),                 // BTN_TOUCH: declared for joydev's sake, never sent
        (.keyboard, Frame([ev(EV.key, MouseButton.left.code, 1)])),// a button on the keyboard
        (.keyboard, Frame([ev(EV.key, 30, 2)])),                   // autorepeat
        (.keyboard, Frame([ev(EV.key, 30, 1), ev(EV.key, 30, 0)])),// press and release in one frame
        (.keyboard, Frame([ev(EV.abs, ABS.x, 1)])),
    ]
    for (device, frame) in bad {
        #expect(GestureCompiler.problem(in: frame, on: device) != nil, "\(device) \(frame)")
        #expect(throws: Rejection.self) {
            try compiler.compile(.raw(device: device, frames: [Frame([ev(EV.msc, MSC.scan, 4)]), frame]), context: CompileContext(pointerPosition: Point(x: 1, y: 1)))
        }
    }
    #expect(GestureCompiler.problem(in: Frame([ev(EV.key, 30, 1), ev(EV.key, 31, 1), ev(EV.msc, MSC.scan, 30)]), on: .keyboard) == nil)
}

@Test func rawReleasesWaitOutTheMinimumHold() throws {
    let frames = try compiler.compile(.raw(device: .keyboard, frames: [
        Frame([ev(EV.key, 30, 1)]), Frame([ev(EV.key, 31, 1)]), Frame([ev(EV.key, 30, 0)]), Frame([ev(EV.key, 31, 0)]),
    ]), context: CompileContext())
    #expect(frames.map(\.offset) == [.zero, .zero, Pacing.standard.minimumHold, Pacing.standard.minimumHold])
}

@Test func rawPointerFramesAlwaysSayWhereTheyAct() throws {
    let region = Region(x: 0, y: 0, width: 100, height: 100)
    let frames = try compiler.compile(.raw(device: .pointer, frames: [
        Frame([ev(EV.abs, ABS.x, 40)]),
        Frame([ev(EV.key, MouseButton.left.code, 1)]),
        Frame([ev(EV.key, MouseButton.left.code, 0)]),
    ]), context: CompileContext(pointerPosition: Point(x: 10, y: 20), region: region))
    #expect(Frames.positions(frames) == [Point(x: 40, y: 20), Point(x: 40, y: 20), Point(x: 40, y: 20)])
    #expect(frames.allSatisfy { $0.frame.events.filter { $0.type == EV.abs }.count == 2 })
    // Without any known position a button frame is refused.
    #expect(throws: Rejection.self) {
        try compiler.compile(.raw(device: .pointer, frames: [Frame([ev(EV.key, MouseButton.left.code, 1)])]), context: CompileContext())
    }
}
