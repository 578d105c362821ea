import Testing
import InputMuxCore
import InputMuxTestSupport

private let region = Region(x: 100, y: 100, width: 200, height: 200)

@Test func positionsResolveNilToTheCurrentPointer() {
    let here = Point(x: 150, y: 150)
    #expect(Gesture.click(at: nil, button: .left, count: 1, modifiers: []).positions(in: region, from: here) == .inside)
    #expect(Gesture.click(at: nil, button: .left, count: 1, modifiers: []).positions(in: region, from: nil) == .unknown)
    #expect(Gesture.scroll(at: Point(x: 99, y: 150), dx: 0, dy: 1, unit: .notches).positions(in: region, from: here) == .outside(Point(x: 99, y: 150)))
    #expect(Gesture.type(text: "x").positions(in: region, from: nil) == .inside)
}

@Test func dragReportsTheFirstPointOutside() {
    let g = Gesture.drag(path: [Point(x: 150, y: 150), Point(x: 299, y: 299), Point(x: 300, y: 200), Point(x: 0, y: 0)], button: .left, modifiers: [])
    #expect(g.positions(in: region, from: nil) == .outside(Point(x: 300, y: 200)))
    var seen: [Point] = []
    #expect(g.forEachPosition(from: nil) { seen.append($0) })
    #expect(seen.count == 4)
}

@Test func rawPointerPositionsCombinePartialUpdates() {
    let g = Gesture.raw(device: .pointer, frames: [
        Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 120)]),
        Frame([EvdevEvent(type: EV.abs, code: ABS.y, value: 99)]),
    ])
    #expect(g.positions(in: region, from: Point(x: 150, y: 150)) == .outside(Point(x: 120, y: 99)))
    #expect(g.positions(in: region, from: nil) == .unknown)
}

/// Whatever positions the facts report inside the region, the compiled frames stay inside it
/// (nudges and drag interpolation included): the gate's check is sufficient.
@Test func compiledPointerFramesStayWhereTheFactsSay() throws {
    let c = GestureCompiler(pacing: .unpaced, keymap: USKeymap())
    var rng = SplitMix64(seed: 7)
    for _ in 0..<2_000 {
        func pt() -> Point { Point(x: Int32(rng.next(upTo: 200)) + 100, y: Int32(rng.next(upTo: 200)) + 100) }
        let current = rng.next(upTo: 4) == 0 ? nil : pt()
        let g: Gesture
        switch rng.next(upTo: 5) {
        case 0: g = .move(to: pt())
        case 1: g = .click(at: rng.next(upTo: 2) == 0 ? nil : pt(), button: .left, count: 2, modifiers: [])
        case 2: g = .drag(path: (0..<(2 + Int(rng.next(upTo: 4)))).map { _ in pt() }, button: .right, modifiers: [])
        case 3: g = .scroll(at: nil, dx: 1, dy: -2, unit: .notches)
        default: g = .mouseUp(at: current, button: .middle)
        }
        guard g.positions(in: region, from: current) == .inside else { continue }
        let frames = try c.compile(g, context: CompileContext(pointerPosition: current, cursorMovedByOthers: rng.next(upTo: 2) == 0, region: region))
        #expect(Frames.positions(frames).allSatisfy(region.contains), "\(g)")
        #expect(frames.allSatisfy { $0.device == .keyboard || $0.frame.events.filter { $0.type == EV.abs }.count == 2 })
    }
}

@Test func deviceFactsMatchWhatTheCompilerWrites() throws {
    let c = GestureCompiler(pacing: .unpaced, keymap: USKeymap())
    let gestures: [Gesture] = [
        .move(to: Point(x: 1, y: 1)),
        .click(at: Point(x: 1, y: 1), button: .left, count: 1, modifiers: []),
        .click(at: Point(x: 1, y: 1), button: .left, count: 1, modifiers: [.leftAlt]),
        .keyChord(keys: [.leftMeta], repeat: 1),
        .type(text: "ok"),
        .raw(device: .keyboard, frames: [Frame([EvdevEvent(type: EV.key, code: 30, value: 1)])]),
        .mouseDown(at: Point(x: 2, y: 2), button: .right),
    ]
    for g in gestures {
        let frames = try c.compile(g, context: CompileContext(pointerPosition: Point(x: 5, y: 5)))
        #expect(g.usesKeyboard == frames.contains { $0.device == .keyboard }, "\(g)")
        #expect(g.usesPointer == frames.contains { $0.device == .pointer }, "\(g)")
        let presses = frames.contains { $0.device == .pointer && $0.frame.events.contains { $0.type == EV.key && $0.value == 1 } }
        #expect(g.isFocusClick == presses, "\(g)")
    }
    #expect(Gesture.keyChord(keys: [.leftAlt, .tab], repeat: 1).pressesFocusModifier)
    #expect(!Gesture.keyChord(keys: [.leftCtrl, .tab], repeat: 1).pressesFocusModifier)
}
