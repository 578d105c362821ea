/// Turns a gesture into the timed evdev frames that perform it (DESIGN §3, "Atomic
/// gestures"), paced so real clients read it as a person's input.
///
/// Rules every compiled gesture keeps, whatever the pacing:
/// - a press and a release are never in one frame; a press is held at least
///   `pacing.minimumHold`;
/// - pointer frames carry ABS_X/ABS_Y, so each says where it acts;
/// - when the kernel would drop a move (the device already holds that value but the
///   seat's one cursor is elsewhere) a 1-px nudge inside the region comes first;
/// - a gesture is validated whole before any frame exists: a rejection emits nothing.
///
/// Positions are not checked against leases here: that is the gate's job (see
/// `Gesture.forEachPosition(from:_:)`), done before compiling.
public struct GestureCompiler: Sendable {
    public var pacing: Pacing
    public var keymap: any Keymap

    /// Upper bounds that keep a single gesture's frame count bounded whatever the
    /// per-session size limits say.
    public static let maximumClickCount = 3
    public static let maximumRepeat = 100
    public static let maximumNotches: Int32 = 1000

    public init(pacing: Pacing, keymap: any Keymap) {
        self.pacing = pacing
        self.keymap = keymap
    }

    public func compile(_ g: Gesture, context: CompileContext) throws(Rejection) -> [TimedFrame] {
        var s = FrameScript(context: context, pacing: pacing)
        switch g {
        case .move(let to):
            try s.moveTo(to)

        case .click(let at, let button, let count, let modifiers):
            guard (1...Self.maximumClickCount).contains(count) else {
                throw Rejection(.badGesture, "click count must be 1, 2 or 3 (got \(count))")
            }
            try Self.checkModifiers(modifiers)
            let p = try Self.resolve(at, s.position, g)
            for m in modifiers { s.press(m) }
            try s.ensureAt(p)
            for i in 0..<count {
                if i > 0 { s.wait(pacing.doubleClickInterval) }
                s.button(button, down: true, at: p)
                let pressed = s.now
                s.wait(until: pressed, plus: pacing.minimumHold)
                s.button(button, down: false, at: p)
            }
            releaseModifiers(modifiers, &s)

        case .mouseDown(let at, let button):
            let p = try Self.resolve(at, s.position, g)
            try s.ensureAt(p)
            s.button(button, down: true, at: p)

        case .mouseUp(let at, let button):
            let p = try Self.resolve(at, s.position, g)
            try s.ensureAt(p)
            s.button(button, down: false, at: p)

        case .drag(let path, let button, let modifiers):
            guard path.count >= 2 else {
                throw Rejection(.badGesture, "a drag needs at least two points (got \(path.count))")
            }
            try Self.checkModifiers(modifiers)
            for m in modifiers { s.press(m) }
            try s.ensureAt(path[0])
            s.button(button, down: true, at: path[0])
            let pressed = s.now
            var last = path[0]
            for next in path.dropFirst() {
                Self.interpolate(from: last, to: next, step: pacing.dragStepPixels) { p in
                    s.wait(pacing.dragStepInterval)
                    s.emit(.pointer, FrameScript.abs(p))
                }
                last = next
            }
            s.position = last
            s.wait(pacing.dragStepInterval)
            s.wait(until: pressed, plus: pacing.minimumHold)
            s.button(button, down: false, at: last)
            releaseModifiers(modifiers, &s)

        case .scroll(let at, let dx, let dy, let unit):
            let p = try Self.resolve(at, s.position, g)
            let steps = try ScrollSteps(dx: dx, dy: dy, unit: unit, pixelsPerNotch: pacing.pixelsPerNotch)
            try s.ensureAt(p)
            var first = true
            for events in steps {
                if !first { s.wait(pacing.scrollStepInterval) }
                first = false
                s.emit(.pointer, FrameScript.abs(p) + events)
            }

        case .keyChord(let keys, let count):
            try Self.checkKeys(keys, what: "chord")
            guard (1...Self.maximumRepeat).contains(count) else {
                throw Rejection(.badGesture, "repeat must be 1…\(Self.maximumRepeat) (got \(count))")
            }
            // Modifiers first so the key is read with them; stable otherwise.
            let ordered = keys.filter(\.isModifier) + keys.filter { !$0.isModifier }
            for i in 0..<count {
                if i > 0 { s.wait(pacing.typingInterval) }
                s.stroke(ordered, hold: pacing.minimumHold)
            }

        case .keyDown(let k):
            try Self.checkKeys([k], what: "key")
            s.press(k)

        case .keyUp(let k):
            try Self.checkKeys([k], what: "key")
            s.release(k)

        case .hold(let keys, let duration):
            try Self.checkKeys(keys, what: "hold")
            guard duration >= .zero else { throw Rejection(.badGesture, "hold duration must not be negative") }
            s.stroke(keys, hold: max(duration, pacing.minimumHold))

        case .type(let text):
            let strokes = try strokes(for: text)
            var first = true
            for st in strokes {
                if !first { s.wait(pacing.typingInterval) }
                first = false
                s.stroke(st.modifiers + [st.key], hold: pacing.typingHold)
            }

        case .wait(let d):
            guard d >= .zero else { throw Rejection(.badGesture, "wait duration must not be negative") }

        case .raw(let device, let frames):
            try compileRaw(device, frames, &s)
        }
        return s.frames
    }

    /// How long the gesture's transaction lasts: to its last frame, or to the end of a wait.
    public static func span(of g: Gesture, frames: [TimedFrame]) -> Duration {
        let last = frames.last?.offset ?? .zero
        if case .wait(let d) = g { return max(last, d) }
        return last
    }

    // MARK: Parts

    private func releaseModifiers(_ modifiers: [KeyCode], _ s: inout FrameScript) {
        guard !modifiers.isEmpty else { return }
        // The keyboard and the pointer are separate device nodes that readers poll in any
        // order; a gap keeps "button up, then modifier up" in that order for them.
        s.wait(pacing.moveSettle)
        for m in modifiers.reversed() { s.release(m) }
    }

    static func resolve(_ at: Point?, _ current: Point?, _ g: Gesture) throws(Rejection) -> Point {
        if let p = at ?? current { return p }
        throw Rejection(.badGesture, "\(g.kind) without a position, and this session's pointer has no position yet: give one")
    }

    static func checkModifiers(_ modifiers: [KeyCode]) throws(Rejection) {
        try checkKeys(modifiers, what: "modifier", allowEmpty: true)
        if let k = modifiers.first(where: { !$0.isModifier }) {
            throw Rejection(.badGesture, "\(k) is not a modifier (ctrl, shift, alt or meta)")
        }
    }

    static func checkKeys(_ keys: [KeyCode], what: String, allowEmpty: Bool = false) throws(Rejection) {
        if keys.isEmpty && !allowEmpty { throw Rejection(.badGesture, "\(what) without keys") }
        for (i, k) in keys.enumerated() {
            if let m = MachineKeys.removedKey(k) { throw MachineKeys.refusal(m, kind: what) }
            guard AgentDeviceProfile.keyboardHas(k) else {
                throw Rejection(.badGesture, "\(k) is not a key of the agent keyboard (1…248; buttons go through click/mouse_down)")
            }
            if keys[..<i].contains(k) { throw Rejection(.badGesture, "\(what) names \(k) twice") }
        }
    }

    /// Points from `a` (exclusive) to `b` (inclusive), at most `step` pixels apart on either
    /// axis. Each coordinate lies between the ends', so a rectangle holding both ends holds
    /// them all.
    static func interpolate(from a: Point, to b: Point, step: Int32, _ body: (Point) -> Void) {
        if a == b { return }
        let dx = Int64(b.x) - Int64(a.x), dy = Int64(b.y) - Int64(a.y)
        let dist = max(dx.magnitude, dy.magnitude)
        let n = step > 0 ? Int64((dist + UInt64(step) - 1) / UInt64(step)) : 1
        for i in 1...n {
            body(Point(x: Int32(Int64(a.x) + dx * i / n), y: Int32(Int64(a.y) + dy * i / n)))
        }
    }

    /// The whole text, validated before anything is typed: the characters the keymap
    /// cannot produce are named by their offsets (0-based, in characters) and counted,
    /// never quoted: the refusal goes to the audit log and the journal, where typed text
    /// is redacted.
    public func strokes(for text: String) throws(Rejection) -> [KeyStroke] {
        if text.isEmpty { throw Rejection(.badGesture, "nothing to type") }
        var strokes: [KeyStroke] = []
        var bad: [Int] = []
        for (i, c) in text.enumerated() {
            if let st = keymap.stroke(for: c), AgentDeviceProfile.keyboardHas(st.key),
               st.modifiers.allSatisfy(AgentDeviceProfile.keyboardHas) {
                strokes.append(st)
            } else {
                bad.append(i)
            }
        }
        guard bad.isEmpty else {
            let shown = bad.prefix(10).map(String.init).joined(separator: ", ")
            let more = bad.count > 10 ? " and \(bad.count - 10) more" : ""
            throw Rejection(.unmappableText, "keymap \"\(keymap.layout)\" cannot type \(bad.count) of \(strokes.count + bad.count) "
                + "characters, at offset\(bad.count == 1 ? "" : "s") \(shown)\(more); nothing was typed (check [keymap] in "
                + "inputmux.toml against the desktop's layout, or type those characters another way)")
        }
        return strokes
    }
}
