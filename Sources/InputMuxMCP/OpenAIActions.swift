import InputMuxClient
import InputMuxWire

/// The `computer_actions` tool: OpenAI's computer-use action shapes, one batch per call.
///
/// Each action is an object with `type`: `click` (x, y, button left/right/wheel/back/
/// forward), `double_click` (x, y), `drag` (path: [{x, y}, …]), `keypress` (keys: […]),
/// `move` (x, y), `scroll` (x, y, scroll_x, scroll_y in pixels), `type` (text), `wait`
/// (optional ms, default 1000), `screenshot` (an image of the lease; points of later
/// calls are its pixels).
public enum OpenAIActions {
    public static let names = ["click", "double_click", "drag", "keypress", "move", "scroll", "type", "wait", "screenshot"]

    /// Every action of the batch as steps (all are checked before any runs).
    public static func steps(_ json: JSON, scaler: Scaler) throws(ArgumentError) -> [[ActionStep]] {
        guard let actions = json["actions"].array, !actions.isEmpty else {
            throw ArgumentError("computer_actions: `actions` is a non-empty list, e.g. [{\"type\": \"click\", \"x\": 10, \"y\": 20}]")
        }
        var out: [[ActionStep]] = []
        for (i, action) in actions.enumerated() {
            out.append(try step(action, index: i, scaler: scaler))
        }
        return out
    }

    static func step(_ json: JSON, index: Int, scaler: Scaler) throws(ArgumentError) -> [ActionStep] {
        let args = Arguments(json, context: "actions[\(index)]")
        let type = try args.string("type")
        let at = try args.xy().map { scaler.point($0.0, $0.1) }
        func needPoint() throws(ArgumentError) -> Point {
            guard let at else { throw ArgumentError("actions[\(index)] \(type): `x` and `y` are required") }
            return at
        }
        switch type {
        case "click":
            let name = args.optionalString("button") ?? "left"
            let button: MouseButton
            switch name {
            case "left": button = .left
            case "right": button = .right
            case "wheel", "middle": button = .middle
            case "back": button = .back
            case "forward": button = .forward
            default: throw ArgumentError("actions[\(index)] click: `button` is left, right, wheel, back or forward")
            }
            return [.gesture(.click(at: try needPoint(), button: button, count: 1))]
        case "double_click":
            return [.gesture(.click(at: try needPoint(), button: .left, count: 2))]
        case "drag":
            guard let path = json["path"].array, path.count >= 2 else {
                throw ArgumentError("actions[\(index)] drag: `path` is a list of at least two {\"x\":…,\"y\":…} points")
            }
            var points: [Point] = []
            for (j, p) in path.enumerated() {
                guard let x = p["x"].double ?? p.array?.first?.double, let y = p["y"].double ?? p.array?.last?.double else {
                    throw ArgumentError("actions[\(index)] drag: path[\(j)] must be {\"x\":…,\"y\":…}")
                }
                points.append(scaler.point(x, y))
            }
            return [.gesture(.drag(path: points))]
        case "keypress":
            guard let keys = json["keys"].array?.compactMap(\.string), !keys.isEmpty else {
                throw ArgumentError("actions[\(index)] keypress: `keys` is a list of key names, e.g. [\"CTRL\", \"S\"]")
            }
            do {
                return [.gesture(.keys(try KeyNames.normalize(openAIKeys: keys)))]
            } catch {
                throw ArgumentError("actions[\(index)] keypress: \(error.message)")
            }
        case "move":
            return [.gesture(.move(to: try needPoint()))]
        case "scroll":
            let sx = try args.number("scroll_x") ?? 0, sy = try args.number("scroll_y") ?? 0
            guard sx != 0 || sy != 0 else { throw ArgumentError("actions[\(index)] scroll: `scroll_x` or `scroll_y` must be non-zero") }
            let d = scaler.distance(sx, sy)
            let limit = Scaler.maximumScrollPixels
            guard abs(d.dx) <= limit, abs(d.dy) <= limit else {
                throw ArgumentError("actions[\(index)] scroll: at most \(limit) desktop pixels on each axis; "
                    + "\(sx),\(sy) is \(d.dx),\(d.dy) pixels")
            }
            return [.gesture(.scroll(at: at, dx: d.dx, dy: d.dy, unit: .pixels))]
        case "type":
            return [.gesture(.type(try args.string("text")))]
        case "wait":
            let ms = try args.int("ms", in: 0...100_000) ?? 1000
            return [.gesture(.wait(durationMs: ms))]
        case "screenshot":
            return [.screenshot]
        default:
            throw ArgumentError("actions[\(index)]: unknown type \"\(type)\"; types: \(names.joined(separator: ", "))")
        }
    }
}
