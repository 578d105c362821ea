/// The `action` names of the `gesture` request (docs/PROTOCOL.md, "Gestures"): the one
/// table the client library writes, the daemon reads and the engine audits with.
public enum GestureAction: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case move
    case click
    case mouseDown = "mouse_down"
    case mouseUp = "mouse_up"
    case drag
    case scroll
    /// A chord pressed and released (`keys`, `repeat`).
    case key
    case keyDown = "key_down"
    case keyUp = "key_up"
    case hold
    case type
    case wait
    /// Low-level evdev frames for raw clients.
    case raw

    public var description: String { rawValue }

    /// `move, click, …, raw`, for error messages.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
