import Testing
import InputMuxCore
import InputMuxTestSupport

/// Helpers that read compiled frames the way a client would.
enum Frames {
    static func keyEvents(_ frames: [TimedFrame]) -> [(offset: Duration, code: UInt16, value: Int32)] {
        frames.flatMap { f in f.frame.events.filter { $0.type == EV.key }.map { (f.offset, $0.code, $0.value) } }
    }

    /// Every press is released later, in another frame, at least `hold` after it.
    static func checkPressReleasePairs(_ frames: [TimedFrame], hold: Duration) -> Bool {
        var pressed: [UInt16: (Int, Duration)] = [:]
        for (i, f) in frames.enumerated() {
            for e in f.frame.events where e.type == EV.key {
                if e.value == 1 {
                    if pressed[e.code] != nil { return false }
                    pressed[e.code] = (i, f.offset)
                } else {
                    guard let (j, t) = pressed.removeValue(forKey: e.code) else { return false }
                    if j == i || f.offset - t < hold { return false }
                }
            }
        }
        return pressed.isEmpty
    }

    static func offsetsNonDecreasing(_ frames: [TimedFrame]) -> Bool {
        zip(frames, frames.dropFirst()).allSatisfy { $0.offset <= $1.offset }
    }

    static func positions(_ frames: [TimedFrame]) -> [Point] {
        frames.compactMap { f -> Point? in
            guard f.device == .pointer else { return nil }
            let x = f.frame.events.first { $0.type == EV.abs && $0.code == ABS.x }?.value
            let y = f.frame.events.first { $0.type == EV.abs && $0.code == ABS.y }?.value
            guard let x, let y else { return nil }
            return Point(x: x, y: y)
        }
    }
}

let compiler = GestureCompiler(pacing: .standard, keymap: USKeymap())

@Test func clickMovesSettlesPressesHoldsReleases() throws {
    let p = Point(x: 100, y: 200)
    let frames = try compiler.compile(.click(at: p, button: .left, count: 1, modifiers: []),
                                      context: CompileContext(pointerPosition: Point(x: 5, y: 5), region: nil))
    #expect(frames.count == 3)
    #expect(frames.allSatisfy { $0.device == .pointer })
    #expect(Frames.positions(frames) == [p, p, p])
    let keys = Frames.keyEvents(frames)
    #expect(keys.map(\.value) == [1, 0])
    #expect(keys.allSatisfy { $0.code == MouseButton.left.code })
    #expect(keys[0].offset == Pacing.standard.moveSettle)
    #expect(keys[1].offset - keys[0].offset == Pacing.standard.minimumHold)
    #expect(Frames.checkPressReleasePairs(frames, hold: Pacing.standard.minimumHold))
}

@Test func unpacedStillSeparatesPressAndRelease() throws {
    let c = GestureCompiler(pacing: .unpaced, keymap: USKeymap())
    let gestures: [Gesture] = [
        .click(at: Point(x: 1, y: 1), button: .right, count: 3, modifiers: [.leftCtrl, .leftShift]),
        .keyChord(keys: [KeyCode(20), .leftCtrl], repeat: 2),
        .type(text: "Hi!"),
        .drag(path: [Point(x: 0, y: 0), Point(x: 300, y: 40)], button: .left, modifiers: []),
    ]
    for g in gestures {
        let frames = try c.compile(g, context: CompileContext(pointerPosition: Point(x: 9, y: 9)))
        #expect(Frames.checkPressReleasePairs(frames, hold: .zero), "\(g)")
        #expect(frames.allSatisfy { $0.offset == .zero })
    }
}

@Test func tripleClickGroupsWithDoubleClickInterval() throws {
    let frames = try compiler.compile(.click(at: Point(x: 3, y: 4), button: .middle, count: 3, modifiers: []),
                                      context: CompileContext(pointerPosition: Point(x: 3, y: 4)))
    let keys = Frames.keyEvents(frames)
    #expect(keys.map(\.value) == [1, 0, 1, 0, 1, 0])
    // Already at the target: no move, so the first press comes at once.
    #expect(keys[0].offset == .zero)
    for i in stride(from: 1, to: keys.count - 1, by: 2) {
        #expect(keys[i + 1].offset - keys[i].offset == Pacing.standard.doubleClickInterval)
    }
}

@Test func clickModifiersWrapTheClickInReverse() throws {
    let frames = try compiler.compile(.click(at: Point(x: 10, y: 10), button: .left, count: 1, modifiers: [.leftCtrl, .leftShift]),
                                      context: CompileContext(pointerPosition: nil))
    let keys = Frames.keyEvents(frames).map { ($0.code, $0.value) }
    #expect(keys.map(\.0) == [KeyCode.leftCtrl.rawValue, KeyCode.leftShift.rawValue, MouseButton.left.code, MouseButton.left.code, KeyCode.leftShift.rawValue, KeyCode.leftCtrl.rawValue])
    #expect(keys.map(\.1) == [1, 1, 1, 0, 0, 0])
    let modifierFrames = frames.filter { $0.device == .keyboard }
    #expect(modifierFrames.count == 4)
    #expect(Gesture.click(at: nil, button: .left, count: 1, modifiers: [.leftCtrl]).usesKeyboard)
}

@Test func badClicksAreRejected() {
    for count in [0, 4, -1] {
        #expect(throws: Rejection.self) {
            try compiler.compile(.click(at: Point(x: 1, y: 1), button: .left, count: count, modifiers: []), context: CompileContext())
        }
    }
    #expect(throws: Rejection(.badGesture, "click without a position, and this session's pointer has no position yet: give one")) {
        try compiler.compile(.click(at: nil, button: .left, count: 1, modifiers: []), context: CompileContext())
    }
    do {
        _ = try compiler.compile(.click(at: Point(x: 1, y: 1), button: .left, count: 1, modifiers: [KeyCode(30)]), context: CompileContext())
        Issue.record("a non-modifier was accepted as a modifier")
    } catch {
        #expect(error.code == .badGesture)
    }
}
