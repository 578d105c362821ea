import InputMuxClient
import InputMuxRelay

/// One gesture a `muxctl agent` verb or a `run` script line asks for, in the terms of the
/// wire protocol's `gesture` message (docs/PROTOCOL.md). Checked for shape here; the
/// daemon decides whether it may happen.
public enum AgentAction: Hashable, Sendable {
    case move(Point)
    case click(at: Point?, button: Button, count: Int, modifiers: [String])
    case mouseDown(at: Point?, button: Button)
    case mouseUp(at: Point?, button: Button)
    case drag(path: [Point], button: Button, modifiers: [String])
    case scroll(at: Point?, dx: Int, dy: Int, unit: ScrollUnit)
    /// A chord such as `ctrl+s`, pressed `repeat` times.
    case key(String, repeat: Int)
    case keyDown(String)
    case keyUp(String)
    case hold(String, milliseconds: Int)
    case type(String)
    case wait(milliseconds: Int)

    public enum Button: String, Hashable, Sendable, CaseIterable {
        case left, right, middle, back, forward

        public static func parse(_ text: String) throws(CLIError) -> Button {
            guard let b = Button(rawValue: text.lowercased()) else {
                throw CLIError(.badInput, "button \"\(text)\": one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return b
        }
    }

    public enum ScrollUnit: String, Hashable, Sendable, CaseIterable {
        case notches, pixels

        public static func parse(_ text: String) throws(CLIError) -> ScrollUnit {
            guard let u = ScrollUnit(rawValue: text.lowercased()) else {
                throw CLIError(.badInput, "unit \"\(text)\": notches or pixels")
            }
            return u
        }
    }

    /// The protocol's action name (the client library's, for the same gesture).
    public var name: String { gesture.action.rawValue }

    /// Checks what the daemon would refuse as malformed, so a script fails at the
    /// line that is wrong before anything of it is sent.
    public func validated() throws(CLIError) -> AgentAction {
        switch self {
        case .click(_, _, let count, _) where !(1...3).contains(count):
            throw CLIError(.badInput, "click: count is 1, 2 or 3 (got \(count))")
        case .drag(let path, _, _) where path.count < 2:
            throw CLIError(.badInput, "drag: give at least two points (from and to)")
        case .scroll(_, 0, 0, _):
            throw CLIError(.badInput, "scroll: give dx or dy (notches; positive is right or down)")
        case .key(let chord, let n) where chord.isEmpty || n < 1:
            throw CLIError(.badInput, "key: give a chord such as ctrl+s and a repeat of at least 1")
        case .keyDown(let k) where k.isEmpty || k.contains("+"), .keyUp(let k) where k.isEmpty || k.contains("+"):
            throw CLIError(.badInput, "\(name): exactly one key, e.g. shift (for a chord use key)")
        case .hold(let keys, let ms) where keys.isEmpty || ms < 0:
            throw CLIError(.badInput, "hold: give keys and a duration in milliseconds")
        case .wait(let ms) where ms < 0:
            throw CLIError(.badInput, "wait: the duration must not be negative")
        default:
            return self
        }
    }
}
