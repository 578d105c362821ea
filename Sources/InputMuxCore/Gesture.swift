import InputMuxWire

/// Scroll amounts: wheel notches, or pixels the engine converts to notches.
public enum ScrollUnit: String, Hashable, Sendable, Codable {
    case notches
    case pixels
}

/// What an agent asks to do: the actions computer-use agents speak (DESIGN §3).
///
/// Positions are absolute logical desktop pixels. A `nil` position means "where this
/// session's cursor already is". Every gesture compiles into timed evdev frames,
/// paced by the engine; nothing of a rejected gesture is emitted.
public enum Gesture: Hashable, Sendable {
    case move(to: Point)
    /// Click `count` times (1–3) with `modifiers` held around the clicks.
    case click(at: Point?, button: MouseButton, count: Int, modifiers: [KeyCode])
    case mouseDown(at: Point?, button: MouseButton)
    case mouseUp(at: Point?, button: MouseButton)
    /// Press at the first point, move along the path, release at the last.
    case drag(path: [Point], button: MouseButton, modifiers: [KeyCode])
    /// Positive `dy` scrolls down (toward the user), positive `dx` scrolls right.
    case scroll(at: Point?, dx: Int32, dy: Int32, unit: ScrollUnit)
    /// A chord such as ctrl+shift+t: modifiers first, then the rest; released in reverse.
    case keyChord(keys: [KeyCode], repeat: Int)
    case keyDown(KeyCode)
    case keyUp(KeyCode)
    /// Hold keys down for a duration, then release them in reverse order.
    case hold(keys: [KeyCode], duration: Duration)
    case type(text: String)
    case wait(Duration)
    /// Low-level frames for raw clients, checked event by event like any gesture.
    case raw(device: RawDevice, frames: [Frame])

    /// Which of the session's devices a raw frame targets.
    public enum RawDevice: String, Hashable, Sendable, Codable {
        case pointer, keyboard
    }

    /// The protocol's name for this gesture (`InputMuxWire.GestureAction`).
    public var action: GestureAction {
        switch self {
        case .move: .move
        case .click: .click
        case .mouseDown: .mouseDown
        case .mouseUp: .mouseUp
        case .drag: .drag
        case .scroll: .scroll
        case .keyChord: .key
        case .keyDown: .keyDown
        case .keyUp: .keyUp
        case .hold: .hold
        case .type: .type
        case .wait: .wait
        case .raw: .raw
        }
    }

    /// The action's name, as audit records and messages write it.
    public var kind: String { action.rawValue }
}
