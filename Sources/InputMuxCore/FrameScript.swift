/// The compiler's scratchpad: frames written so far, the clock offset, and where the
/// session's pointer device stands, with the two rules every gesture shares (re-asserting
/// a position the kernel would drop, and pointer frames that say where they act).
struct FrameScript {
    var frames: [TimedFrame] = []
    var now: Duration = .zero
    /// The value the kernel holds for this device's ABS_X/ABS_Y (nil: never written).
    var position: Point?
    /// Someone else moved the seat cursor since this device last positioned it.
    var movedByOthers: Bool
    let region: Region?
    let pacing: Pacing

    init(context: CompileContext, pacing: Pacing) {
        position = context.pointerPosition
        movedByOthers = context.cursorMovedByOthers
        region = context.region
        self.pacing = pacing
        frames.reserveCapacity(8)
    }

    mutating func wait(_ d: Duration) { now += d }

    /// Waits until at least `d` after `since`: holds are measured from the press, whatever
    /// happened in between.
    mutating func wait(until since: Duration, plus d: Duration) {
        if now < since + d { now = since + d }
    }

    mutating func emit(_ device: Gesture.RawDevice, _ events: [EvdevEvent]) {
        frames.append(TimedFrame(offset: now, device: device, frame: Frame(events)))
    }

    // MARK: Keys

    mutating func press(_ key: KeyCode) { emit(.keyboard, [EvdevEvent(type: EV.key, code: key.rawValue, value: 1)]) }
    mutating func release(_ key: KeyCode) { emit(.keyboard, [EvdevEvent(type: EV.key, code: key.rawValue, value: 0)]) }

    /// Presses `keys` in order, holds, releases them in reverse: one key per frame, so
    /// press and release are never in one frame and the order is visible to clients.
    mutating func stroke(_ keys: [KeyCode], hold: Duration) {
        for k in keys { press(k) }
        let pressed = now
        wait(until: pressed, plus: hold)
        for k in keys.reversed() { release(k) }
    }

    // MARK: Pointer

    static func abs(_ p: Point) -> [EvdevEvent] {
        [EvdevEvent(type: EV.abs, code: ABS.x, value: p.x), EvdevEvent(type: EV.abs, code: ABS.y, value: p.y)]
    }

    /// Whether writing `p` would leave the seat cursor where it is not: the kernel drops
    /// an ABS event equal to the device's current value (a fresh device holds 0,0), so if
    /// the cursor was moved by someone else, or never by this device, a move to the
    /// device's own value would not move the cursor back.
    func needsReassert(_ p: Point) -> Bool {
        (movedByOthers || position == nil) && p == (position ?? Point(x: 0, y: 0))
    }

    /// A pixel next to `p` inside the region (nudging outside it would emit a position
    /// the holder does not own).
    func nudge(from p: Point) throws(Rejection) -> Point {
        let steps: [(Int64, Int64)] = [(1, 0), (-1, 0), (0, 1), (0, -1)]
        for (dx, dy) in steps {
            let x = Int64(p.x) + dx, y = Int64(p.y) + dy
            // Desktop coordinates are never negative; without a region, stay on the desktop's side.
            guard x >= 0, y >= 0, x <= Int64(Int32.max), y <= Int64(Int32.max) else { continue }
            let c = Point(x: Int32(x), y: Int32(y))
            if region?.contains(c) ?? true { return c }
        }
        throw Rejection(.badGesture, "cannot re-assert the pointer at \(p): the cursor was moved by someone else and region \(region.map(\.description) ?? "-") has no neighbouring pixel to nudge through")
    }

    /// Puts the seat cursor at `p` through this device: a 1-px nudge first when the
    /// kernel would drop the move, then the move itself.
    mutating func moveTo(_ p: Point) throws(Rejection) {
        if needsReassert(p) {
            emit(.pointer, Self.abs(try nudge(from: p)))
        }
        emit(.pointer, Self.abs(p))
        position = p
        movedByOthers = false
    }

    /// Makes sure the cursor is at `p` before a press or a wheel step: moves (and lets the
    /// client settle) only if it is not known to be there.
    mutating func ensureAt(_ p: Point) throws(Rejection) {
        if p == position && !movedByOthers { return }
        try moveTo(p)
        wait(pacing.moveSettle)
    }

    /// A button change at the current position: pointer frames always carry ABS_X/ABS_Y so
    /// the frame itself says where it acts (the kernel drops the repeats; harmless).
    mutating func button(_ b: MouseButton, down: Bool, at p: Point) {
        emit(.pointer, Self.abs(p) + [EvdevEvent(type: EV.key, code: b.code, value: down ? 1 : 0)])
    }
}
