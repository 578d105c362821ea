import Foundation
import InputMuxClient
import InputMuxWire

/// The `computer` tool: Anthropic's computer-use actions turned into steps.
///
/// Arguments: `action`; `coordinate` [x, y]; `start_coordinate` (left_click_drag);
/// `text` (key chords for `key`, text for `type`, the key for `hold_key`, modifiers held
/// during clicks and scrolls); `duration` in seconds (`hold_key`, `wait`);
/// `scroll_direction` (up, down, left, right) and `scroll_amount` in notches.
public enum AnthropicActions {
    public static let names = [
        "key", "type", "mouse_move", "left_click", "right_click", "middle_click", "double_click", "triple_click",
        "left_click_drag", "left_mouse_down", "left_mouse_up", "scroll", "hold_key", "wait", "cursor_position", "screenshot",
    ]

    public static func steps(_ json: JSON, scaler: Scaler, cursor: Point?) throws(ArgumentError) -> [ActionStep] {
        let args = Arguments(json, context: "computer")
        let action = try args.string("action")
        let at = try args.pair("coordinate").map { scaler.point($0.0, $0.1) }
        let text = args.optionalString("text")
        func click(_ button: MouseButton, _ count: Int) throws(ArgumentError) -> [ActionStep] {
            [.gesture(.click(at: at, button: button, count: count, modifiers: try modifiers(text)))]
        }
        switch action {
        case "key":
            guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ArgumentError("computer key: `text` holds the keys in xdotool syntax, e.g. \"ctrl+s\" or \"Return\"")
            }
            // xdotool takes several chords separated by spaces: "ctrl+a Delete".
            return try text.split(separator: " ").map { chord throws(ArgumentError) in
                .gesture(.keys(try normalized(String(chord))))
            }
        case "type":
            guard let text else { throw ArgumentError("computer type: `text` is required") }
            return [.gesture(.type(text))]
        case "mouse_move":
            guard let at else { throw ArgumentError("computer mouse_move: `coordinate` [x, y] is required") }
            return [.gesture(.move(to: at))]
        case "left_click": return try click(.left, 1)
        case "right_click": return try click(.right, 1)
        case "middle_click": return try click(.middle, 1)
        case "double_click": return try click(.left, 2)
        case "triple_click": return try click(.left, 3)
        case "left_click_drag":
            guard let end = at else { throw ArgumentError("computer left_click_drag: `coordinate` (where to drop) is required") }
            guard let start = try args.pair("start_coordinate").map({ scaler.point($0.0, $0.1) }) ?? cursor else {
                throw ArgumentError("computer left_click_drag: give `start_coordinate` (this session has not placed the pointer yet)")
            }
            return [.gesture(.drag(path: [start, end]))]
        case "left_mouse_down": return [.gesture(.mouseDown(at: at, button: .left))]
        case "left_mouse_up": return [.gesture(.mouseUp(at: at, button: .left))]
        case "scroll":
            let amount = try args.int("scroll_amount", in: 1...1000) ?? 3
            let direction = args.optionalString("scroll_direction") ?? "down"
            let (dx, dy): (Int, Int)
            switch direction {
            case "up": (dx, dy) = (0, -amount)
            case "down": (dx, dy) = (0, amount)
            case "left": (dx, dy) = (-amount, 0)
            case "right": (dx, dy) = (amount, 0)
            default: throw ArgumentError("computer scroll: `scroll_direction` is up, down, left or right")
            }
            let scroll = ActionStep.gesture(.scroll(at: at, dx: dx, dy: dy, unit: .notches))
            let mods = try modifiers(text)
            guard !mods.isEmpty else { return [scroll] }
            // The scroll gesture has no modifiers: hold them around it.
            let keys = mods.split(separator: "+").map(String.init)
            return keys.map { .gesture(.keyDown($0)) } + [scroll] + keys.reversed().map { .gesture(.keyUp($0)) }
        case "hold_key":
            guard let text else { throw ArgumentError("computer hold_key: `text` names the key(s), e.g. \"shift\"") }
            let seconds = try args.number("duration") ?? 1
            guard seconds >= 0, seconds <= 100 else { throw ArgumentError("computer hold_key: `duration` is 0–100 seconds") }
            return [.gesture(.hold(try normalized(text), durationMs: Int(seconds * 1000)))]
        case "wait":
            let seconds = try args.number("duration") ?? 1
            guard seconds >= 0, seconds <= 100 else { throw ArgumentError("computer wait: `duration` is 0–100 seconds") }
            return [.gesture(.wait(durationMs: Int(seconds * 1000)))]
        case "cursor_position":
            return [.cursorPosition]
        case "screenshot":
            return [.screenshot]
        case "zoom":
            throw ArgumentError("computer zoom: not offered; take a screenshot (its size is the server's --screenshot-size) and point at its pixels")
        default:
            throw ArgumentError("computer: unknown action \"\(action)\"; actions: \(names.joined(separator: ", "))")
        }
    }

    static func modifiers(_ text: String?) throws(ArgumentError) -> String {
        guard let text, !text.isEmpty else { return "" }
        return try normalized(text)
    }

    static func normalized(_ chord: String) throws(ArgumentError) -> String {
        do {
            return try KeyNames.normalize(chord)
        } catch {
            throw ArgumentError(error.message)
        }
    }
}
