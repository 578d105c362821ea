import InputMuxWire

/// A mouse button as the protocol names it.
public enum MouseButton: String, Sendable, Hashable, CaseIterable, Codable {
    case left, right, middle, back, forward
}

/// Units of a scroll: wheel notches (clicks) or high-resolution pixels.
public enum ScrollUnit: String, Sendable, Hashable, Codable {
    case notches, pixels
}

/// One action an agent asks the daemon to play, atomically and paced, on its lease.
/// Positions are absolute logical desktop pixels; `nil` acts at the session's cursor.
/// Key names go through `KeyNames.normalize` before sending.
public enum Gesture: Sendable, Hashable {
    case move(to: Point)
    case click(at: Point?, button: MouseButton = .left, count: Int = 1, modifiers: String = "")
    case mouseDown(at: Point?, button: MouseButton = .left)
    case mouseUp(at: Point?, button: MouseButton = .left)
    case drag(path: [Point], button: MouseButton = .left, modifiers: String = "")
    /// `dx`/`dy` positive: right, down.
    case scroll(at: Point?, dx: Int, dy: Int, unit: ScrollUnit = .notches)
    /// A chord such as `ctrl+s`, pressed and released `repeat` times.
    case keys(String, repeat: Int = 1)
    case keyDown(String)
    case keyUp(String)
    /// Keys held down for a while, then released.
    case hold(String, durationMs: Int)
    case type(String)
    case wait(durationMs: Int)

    /// The protocol's `action` name (`InputMuxWire.GestureAction`).
    public var action: GestureAction {
        switch self {
        case .move: .move
        case .click: .click
        case .mouseDown: .mouseDown
        case .mouseUp: .mouseUp
        case .drag: .drag
        case .scroll: .scroll
        case .keys: .key
        case .keyDown: .keyDown
        case .keyUp: .keyUp
        case .hold: .hold
        case .type: .type
        case .wait: .wait
        }
    }

    /// The last pointer position this gesture leaves the cursor at, if it moves it.
    public var pointerEnd: Point? {
        switch self {
        case .move(let p): p
        case .click(let p, _, _, _), .mouseDown(let p, _), .mouseUp(let p, _), .scroll(let p, _, _, _): p
        case .drag(let path, _, _): path.last
        default: nil
        }
    }

    /// The `gesture` request (without `id`), key names normalized.
    public func request() throws(InputMuxError) -> JSON {
        var o: [String: JSON] = ["type": .string(RequestType.gesture.rawValue), "action": .string(action.rawValue)]
        func at(_ p: Point?) {
            if let p {
                o["x"] = .int(Int64(p.x))
                o["y"] = .int(Int64(p.y))
            }
        }
        switch self {
        case .move(let p):
            at(p)
        case .click(let p, let button, let count, let modifiers):
            guard (1...3).contains(count) else {
                throw InputMuxError(.badInput, "click count must be 1, 2 or 3 (got \(count))")
            }
            at(p)
            o["button"] = .string(button.rawValue)
            o["count"] = .int(Int64(count))
            if !modifiers.isEmpty { o["modifiers"] = .string(try KeyNames.normalize(modifiers)) }
        case .mouseDown(let p, let button), .mouseUp(let p, let button):
            at(p)
            o["button"] = .string(button.rawValue)
        case .drag(let path, let button, let modifiers):
            guard path.count >= 2 else { throw InputMuxError(.badInput, "a drag needs a path of at least two points (got \(path.count))") }
            o["path"] = .array(path.map(\.wire))
            o["button"] = .string(button.rawValue)
            if !modifiers.isEmpty { o["modifiers"] = .string(try KeyNames.normalize(modifiers)) }
        case .scroll(let p, let dx, let dy, let unit):
            at(p)
            o["dx"] = .int(Int64(dx))
            o["dy"] = .int(Int64(dy))
            o["unit"] = .string(unit.rawValue)
        case .keys(let chord, let count):
            guard count >= 1 else { throw InputMuxError(.badInput, "repeat must be at least 1 (got \(count))") }
            o["keys"] = .string(try KeyNames.normalize(chord))
            o["repeat"] = .int(Int64(count))
        case .keyDown(let key), .keyUp(let key):
            o["key"] = .string(try KeyNames.normalize(key))
        case .hold(let chord, let ms):
            guard ms >= 0 else { throw InputMuxError(.badInput, "hold duration must not be negative (got \(ms) ms)") }
            o["keys"] = .string(try KeyNames.normalize(chord))
            o["duration_ms"] = .int(Int64(ms))
        case .type(let text):
            o["text"] = .string(text)
        case .wait(let ms):
            guard ms >= 0 else { throw InputMuxError(.badInput, "wait duration must not be negative (got \(ms) ms)") }
            o["duration_ms"] = .int(Int64(ms))
        }
        return .object(o)
    }
}
