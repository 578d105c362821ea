import Testing
import InputMuxCore
import InputMuxTestSupport

@Test func moveToOwnPositionAfterOthersMovedTheCursorNudgesInsideTheRegion() throws {
    let c = GestureCompiler(pacing: .standard, keymap: USKeymap())
    let region = Region(x: 100, y: 100, width: 50, height: 50)
    // At the right edge of the region: the nudge must go left, not out.
    let p = Point(x: 149, y: 120)
    let frames = try c.compile(.move(to: p), context: CompileContext(pointerPosition: p, cursorMovedByOthers: true, region: region))
    let positions = Frames.positions(frames)
    #expect(positions.count == 2)
    #expect(positions[1] == p)
    #expect(positions[0] != p && region.contains(positions[0]))
    #expect(abs(positions[0].x - p.x) + abs(positions[0].y - p.y) == 1)
    // Nobody moved it: the plain move.
    let plain = try c.compile(.move(to: p), context: CompileContext(pointerPosition: p, cursorMovedByOthers: false, region: region))
    #expect(Frames.positions(plain) == [p])
}

@Test func freshDeviceAtOriginIsNudgedToo() throws {
    // A new device holds 0,0: an ABS 0,0 would be dropped by the kernel.
    let frames = try compiler.compile(.click(at: Point(x: 0, y: 0), button: .left, count: 1, modifiers: []),
                                      context: CompileContext(pointerPosition: nil, region: Region(x: 0, y: 0, width: 10, height: 10)))
    #expect(Frames.positions(frames).first == Point(x: 1, y: 0))
}

@Test func onePixelRegionCannotBeReasserted() {
    let p = Point(x: 7, y: 7)
    #expect(throws: Rejection.self) {
        try compiler.compile(.click(at: nil, button: .left, count: 1, modifiers: []),
                             context: CompileContext(pointerPosition: p, cursorMovedByOthers: true, region: Region(x: 7, y: 7, width: 1, height: 1)))
    }
}

@Test func clickAtOwnPositionReassertsBeforePressing() throws {
    let p = Point(x: 500, y: 500)
    let frames = try compiler.compile(.click(at: nil, button: .left, count: 1, modifiers: []),
                                      context: CompileContext(pointerPosition: p, cursorMovedByOthers: true, region: Region(x: 0, y: 0, width: 1000, height: 1000)))
    let positions = Frames.positions(frames)
    #expect(positions.count == 4)       // nudge, move, press, release
    #expect(positions[0] != p)
    #expect(positions.dropFirst().allSatisfy { $0 == p })
    #expect(Frames.keyEvents(frames).first?.offset == Pacing.standard.moveSettle)
}

@Test func dragPressesAtFirstPointStepsAndReleasesAtLast() throws {
    var pacing = Pacing.standard
    pacing.dragStepPixels = 10
    let c = GestureCompiler(pacing: pacing, keymap: USKeymap())
    let path = [Point(x: 0, y: 0), Point(x: 25, y: 5), Point(x: 25, y: 5), Point(x: 25, y: 40)]
    let frames = try c.compile(.drag(path: path, button: .left, modifiers: [.leftShift]), context: CompileContext(pointerPosition: Point(x: 9, y: 9)))
    let keys = Frames.keyEvents(frames)
    #expect(keys.map(\.code) == [42, MouseButton.left.code, MouseButton.left.code, 42])
    let pointer = frames.filter { $0.device == .pointer }
    #expect(Frames.positions(pointer).first == path[0])
    #expect(Frames.positions(pointer).last == path[3])
    let pressFrame = pointer.firstIndex { $0.frame.events.contains { $0.type == EV.key && $0.value == 1 } }!
    let moves = Frames.positions(Array(pointer[(pressFrame + 1)...].dropLast()))
    // Steps of at most 10 px, every one on the path's bounding box, strictly moving.
    var last = path[0]
    for m in moves {
        #expect(max(abs(m.x - last.x), abs(m.y - last.y)) <= 10)
        #expect(m != last)
        last = m
    }
    #expect(last == path[3])
    #expect(zip(pointer, pointer.dropFirst()).dropFirst(pressFrame).allSatisfy { $1.offset - $0.offset >= pacing.dragStepInterval })
    #expect(Frames.checkPressReleasePairs(frames, hold: pacing.minimumHold))
    #expect(Frames.offsetsNonDecreasing(frames))
}

@Test func dragNeedsTwoPoints() {
    #expect(throws: Rejection.self) { try compiler.compile(.drag(path: [Point(x: 1, y: 1)], button: .left, modifiers: []), context: CompileContext()) }
}

private func wheel(_ frames: [TimedFrame], _ code: UInt16) -> [Int32] {
    frames.flatMap { $0.frame.events.filter { $0.type == EV.rel && $0.code == code }.map(\.value) }
}

@Test func scrollDownIsNegativeWheelOneNotchPerFrame() throws {
    let p = Point(x: 10, y: 10)
    let frames = try compiler.compile(.scroll(at: p, dx: 0, dy: 3, unit: .notches), context: CompileContext(pointerPosition: p))
    #expect(wheel(frames, REL.wheelHiRes) == [-120, -120, -120])
    #expect(wheel(frames, REL.wheel) == [-1, -1, -1])
    #expect(wheel(frames, REL.hwheel).isEmpty)
    #expect(Frames.positions(frames) == [p, p, p])   // every wheel frame says where it acts
    #expect(frames[1].offset - frames[0].offset == Pacing.standard.scrollStepInterval)
}

@Test func scrollRightIsPositiveHorizontalWheel() throws {
    let frames = try compiler.compile(.scroll(at: Point(x: 1, y: 1), dx: 2, dy: -1, unit: .notches), context: CompileContext())
    #expect(wheel(frames, REL.hwheelHiRes).reduce(0, +) == 240)
    #expect(wheel(frames, REL.hwheel).reduce(0, +) == 2)
    #expect(wheel(frames, REL.wheelHiRes).reduce(0, +) == 120)
    #expect(wheel(frames, REL.wheel).reduce(0, +) == 1)
}

@Test func pixelScrollAccumulatesRemaindersIntoWholeNotches() throws {
    var pacing = Pacing.standard
    pacing.pixelsPerNotch = 40
    let c = GestureCompiler(pacing: pacing, keymap: USKeymap())
    for px: Int32 in [1, 19, 20, 39, 41, 100, 130, 1000, -7, -61] {
        let frames = try? c.compile(.scroll(at: Point(x: 1, y: 1), dx: 0, dy: px, unit: .pixels), context: CompileContext())
        let expectedHi = -((Int64(px) * 120 * 2 + (px >= 0 ? 40 : -40)) / 80)  // round half away from zero of px*120/40
        guard let frames else {
            #expect(expectedHi == 0, "px \(px)")
            continue
        }
        let hi = wheel(frames, REL.wheelHiRes)
        #expect(Int64(hi.reduce(0, +)) == expectedHi, "px \(px)")
        #expect(hi.allSatisfy { abs($0) <= 120 })
        // Legacy notches: the hi-res total rounded to whole notches.
        let lo = Int64(wheel(frames, REL.wheel).reduce(0, +))
        let rounded = expectedHi >= 0 ? (expectedHi + 60) / 120 : -((-expectedHi + 60) / 120)
        #expect(lo == rounded, "px \(px)")
    }
}

@Test func emptyOrHugeScrollsAreRejected() {
    #expect(throws: Rejection.self) { try compiler.compile(.scroll(at: Point(x: 1, y: 1), dx: 0, dy: 0, unit: .notches), context: CompileContext()) }
    do {
        _ = try compiler.compile(.scroll(at: Point(x: 1, y: 1), dx: 0, dy: .max, unit: .notches), context: CompileContext())
        Issue.record("huge scroll accepted")
    } catch {
        #expect(error.code == .tooLarge)
    }
}

@Test func finalPointerPositionFollowsTheFrames() throws {
    let frames = try compiler.compile(.drag(path: [Point(x: 1, y: 1), Point(x: 90, y: 4)], button: .left, modifiers: []), context: CompileContext())
    #expect(frames.finalPointerPosition(from: nil) == Point(x: 90, y: 4))
    #expect([TimedFrame]().finalPointerPosition(from: Point(x: 3, y: 3)) == Point(x: 3, y: 3))
}

@Test func nudgeWithoutARegionStaysOnTheDesktopSide() throws {
    for (p, expected) in [(Point(x: 0, y: 0), Point(x: 1, y: 0)), (Point(x: .max, y: 0), Point(x: .max - 1, y: 0))] {
        let frames = try compiler.compile(.move(to: p), context: CompileContext(pointerPosition: p, cursorMovedByOthers: true, region: nil))
        #expect(Frames.positions(frames) == [expected, p])
    }
}
