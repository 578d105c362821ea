import InputMuxClient

extension AgentAction {
    /// The client library's gesture for this action.
    public var gesture: Gesture {
        switch self {
        case .move(let p): .move(to: p)
        case .click(let p, let b, let n, let m): .click(at: p, button: b.mouseButton, count: n, modifiers: m.joined(separator: "+"))
        case .mouseDown(let p, let b): .mouseDown(at: p, button: b.mouseButton)
        case .mouseUp(let p, let b): .mouseUp(at: p, button: b.mouseButton)
        case .drag(let path, let b, let m): .drag(path: path, button: b.mouseButton, modifiers: m.joined(separator: "+"))
        case .scroll(let p, let dx, let dy, let unit): .scroll(at: p, dx: dx, dy: dy, unit: unit == .pixels ? .pixels : .notches)
        case .key(let chord, let n): .keys(chord, repeat: n)
        case .keyDown(let k): .keyDown(k)
        case .keyUp(let k): .keyUp(k)
        case .hold(let keys, let ms): .hold(keys, durationMs: ms)
        case .type(let text): .type(text)
        case .wait(let ms): .wait(durationMs: ms)
        }
    }

    /// Whether the action needs the keyboard lease (keys, typing; modifiers held during
    /// a click or drag are pressed on the keyboard too).
    public var needsKeyboard: Bool {
        switch self {
        case .key, .keyDown, .keyUp, .hold, .type: true
        case .click(_, _, _, let m), .drag(_, _, let m): !m.isEmpty
        default: false
        }
    }

    /// The `run` syntax line for this action: what a muxctl lease holder is sent.
    /// `GestureScript.parse(line:)` reads it back to the same action.
    public var scriptLine: String {
        func at(_ p: Point?) -> String { p.map { " \($0.x) \($0.y)" } ?? "" }
        func button(_ b: Button) -> String { b == .left ? "" : " button=\(b.rawValue)" }
        func mods(_ m: [String]) -> String { m.isEmpty ? "" : " modifiers=" + m.joined(separator: "+") }
        switch self {
        case .move(let p): return "move" + at(p)
        case .click(let p, let b, let n, let m): return "click" + at(p) + button(b) + (n == 1 ? "" : " count=\(n)") + mods(m)
        case .mouseDown(let p, let b): return "down" + at(p) + button(b)
        case .mouseUp(let p, let b): return "up" + at(p) + button(b)
        case .drag(let path, let b, let m): return "drag" + path.map { at($0) }.joined() + button(b) + mods(m)
        case .scroll(let p, let dx, let dy, let unit):
            return "scroll" + at(p) + (dx == 0 ? "" : " dx=\(dx)") + (dy == 0 ? "" : " dy=\(dy)") + (unit == .notches ? "" : " unit=pixels")
        case .key(let chord, let n): return "key \(chord)" + (n == 1 ? "" : " repeat=\(n)")
        case .keyDown(let k): return "keydown \(k)"
        case .keyUp(let k): return "keyup \(k)"
        case .hold(let keys, let ms): return "hold \(keys) \(ms)"
        case .type(let text):
            var escaped = ""
            for c in text {
                switch c {
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                default: escaped.append(c)
                }
            }
            return "type " + escaped
        case .wait(let ms): return "wait \(ms)"
        }
    }
}

extension AgentAction.Button {
    var mouseButton: MouseButton {
        switch self {
        case .left: .left
        case .right: .right
        case .middle: .middle
        case .back: .back
        case .forward: .forward
        }
    }
}
