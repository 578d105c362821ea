/// What the gate needs to know about a gesture before it is compiled: the positions it
/// touches and the devices it uses. Everything here walks the gesture in place and
/// allocates nothing, because the gate runs it on every request (DESIGN §3).
extension Gesture {
    /// Calls `body` with every absolute position the gesture moves the cursor to or acts
    /// at, in order. A `nil` position resolves to `current` (the session's pointer);
    /// a raw frame updating one axis combines with the position before it. Returns false
    /// if a position is needed but unknown; the compiler rejects such a gesture too.
    ///
    /// Not reported: the 1-px nudge the compiler may add (it stays inside the
    /// `CompileContext.region`) and the points it interpolates along a drag (they lie on
    /// segments between reported points, so inside any rectangle holding those).
    @inlinable
    public func forEachPosition(from current: Point?, _ body: (Point) -> Void) -> Bool {
        switch self {
        case .move(let to):
            body(to)
        case .click(let at, _, _, _), .mouseDown(let at, _), .mouseUp(let at, _), .scroll(let at, _, _, _):
            guard let p = at ?? current else { return false }
            body(p)
        case .drag(let path, _, _):
            for p in path { body(p) }
        case .keyChord, .keyDown, .keyUp, .hold, .type, .wait:
            break
        case .raw(let device, let frames):
            guard device == .pointer else { break }
            var x = current?.x, y = current?.y
            for f in frames {
                for e in f.events where e.type == EV.abs {
                    if e.code == ABS.x { x = e.value } else if e.code == ABS.y { y = e.value }
                }
                guard let x, let y else { return false }
                body(Point(x: x, y: y))
            }
        }
        return true
    }

    /// The result of checking a gesture's positions against a region.
    public enum PositionCheck: Hashable, Sendable {
        case inside
        /// The first position outside the region.
        case outside(Point)
        /// A position was needed but the session's pointer has none.
        case unknown
    }

    /// Whether every position of the gesture lies in `region` (see `forEachPosition`).
    @inlinable
    public func positions(in region: Region, from current: Point?) -> PositionCheck {
        var firstOutside: Point?
        let known = forEachPosition(from: current) { p in
            if firstOutside == nil && !region.contains(p) { firstOutside = p }
        }
        if let firstOutside { return .outside(firstOutside) }
        return known ? .inside : .unknown
    }

    /// The gesture writes to the session's keyboard: key gestures, text, raw keyboard
    /// frames, and clicks or drags with modifiers (the modifiers are keyboard keys).
    @inlinable
    public var usesKeyboard: Bool {
        switch self {
        case .keyChord, .keyDown, .keyUp, .hold, .type: true
        case .click(_, _, _, let modifiers), .drag(_, _, let modifiers): !modifiers.isEmpty
        case .raw(let device, _): device == .keyboard
        case .move, .mouseDown, .mouseUp, .scroll, .wait: false
        }
    }

    /// The gesture presses keys, so the keys need focus in the lease's region (DESIGN §3.3);
    /// releases alone never do.
    @inlinable
    public var needsFocus: Bool {
        switch self {
        case .keyChord, .keyDown, .hold, .type: return true
        case .raw(let device, let frames):
            guard device == .keyboard else { return false }
            return frames.contains { f in f.events.contains { $0.type == EV.key && $0.value != 0 } }
        case .click, .drag, .keyUp, .move, .mouseDown, .mouseUp, .scroll, .wait: return false
        }
    }

    /// The gesture writes to the session's pointer.
    @inlinable
    public var usesPointer: Bool {
        switch self {
        case .move, .click, .mouseDown, .mouseUp, .drag, .scroll: true
        case .raw(let device, _): device == .pointer
        case .keyChord, .keyDown, .keyUp, .hold, .type, .wait: false
        }
    }

    /// The gesture presses a button: focus evidence (DESIGN §3.3) when it is inside the
    /// session's region, a focus-changing action for everyone else.
    @inlinable
    public var isFocusClick: Bool {
        switch self {
        case .click, .mouseDown, .drag: return true
        case .raw(let device, let frames):
            guard device == .pointer else { return false }
            for f in frames {
                for e in f.events where e.type == EV.key && e.value == 1 { return true }
            }
            return false
        case .move, .mouseUp, .scroll, .keyChord, .keyDown, .keyUp, .hold, .type, .wait:
            return false
        }
    }

    /// The gesture presses Alt or Super (Alt+Tab, the overview...): chords that move focus
    /// on common desktops.
    @inlinable
    public var pressesFocusModifier: Bool {
        switch self {
        case .keyChord(let keys, _), .hold(let keys, _): return keys.contains { $0.isFocusModifier }
        case .keyDown(let k): return k.isFocusModifier
        case .click(_, _, _, let m), .drag(_, _, let m): return m.contains { $0.isFocusModifier }
        case .raw(let device, let frames):
            guard device == .keyboard else { return false }
            for f in frames {
                for e in f.events where e.type == EV.key && e.value == 1 && KeyCode(e.code).isFocusModifier { return true }
            }
            return false
        case .move, .mouseDown, .mouseUp, .scroll, .keyUp, .type, .wait: return false
        }
    }
}
