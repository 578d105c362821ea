/// One frame of a compiled gesture: what to write to which of the session's devices, and
/// when, as an offset from the start of the gesture. Frames with equal offsets are written
/// back to back, each closed by its own `SYN_REPORT`.
public struct TimedFrame: Hashable, Sendable, CustomStringConvertible {
    public var offset: Duration
    public var device: Gesture.RawDevice
    public var frame: Frame

    public init(offset: Duration, device: Gesture.RawDevice, frame: Frame) {
        self.offset = offset
        self.device = device
        self.frame = frame
    }

    public var description: String { "+\(offset.nanosecondCount / 1_000_000)ms \(device.rawValue): \(frame)" }

    /// The absolute position this frame puts the pointer at, combined with `current` for a
    /// frame that updates only one axis; `current` if it has no ABS event.
    @inlinable
    public func pointerPosition(after current: Point?) -> Point? {
        guard device == .pointer else { return current }
        var x = current?.x, y = current?.y
        for e in frame.events where e.type == EV.abs {
            if e.code == ABS.x { x = e.value } else if e.code == ABS.y { y = e.value }
        }
        guard let x, let y else { return current }
        return Point(x: x, y: y)
    }
}

extension Array where Element == TimedFrame {
    /// Where the session's pointer device stands after these frames, starting from
    /// `start`: what the engine passes as `CompileContext.pointerPosition` next time.
    @inlinable
    public func finalPointerPosition(from start: Point?) -> Point? {
        var p = start
        for f in self { p = f.pointerPosition(after: p) }
        return p
    }
}

/// What the compiler needs to know about the seat when it compiles a gesture.
public struct CompileContext: Hashable, Sendable {
    /// The last absolute position written to this session's pointer device: the value the
    /// kernel holds for its ABS_X/ABS_Y. nil if nothing was written yet; the kernel then
    /// holds the axis minimum, so the compiler treats nil as (0,0) for the drop rule.
    public var pointerPosition: Point?
    /// Another device (the human, another agent) moved the seat's one cursor since this
    /// session last positioned it: a move to `pointerPosition` must be re-asserted, because
    /// the kernel drops an ABS event equal to the device's current value.
    public var cursorMovedByOthers: Bool
    /// The holder's region: the 1-px nudge of that re-assertion stays inside it.
    public var region: Region?

    public init(pointerPosition: Point? = nil, cursorMovedByOthers: Bool = false, region: Region? = nil) {
        self.pointerPosition = pointerPosition
        self.cursorMovedByOthers = cursorMovedByOthers
        self.region = region
    }
}
