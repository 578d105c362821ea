import InputMuxClient
import InputMuxWire

/// One thing a tool call asks for, in desktop pixels, ready to run on the lease.
public enum ActionStep: Sendable, Hashable {
    case gesture(Gesture)
    /// Report where this session's gestures left the pointer.
    case cursorPosition
    /// Capture what the lease shows; the model's coordinates are its pixels from then on.
    case screenshot
}

/// The last screenshot a session took, as far as coordinates go: its size and transform.
public struct ScreenshotFrame: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var transform: ImageTransform

    public init(width: Int, height: Int, transform: ImageTransform) {
        self.width = width
        self.height = height
        self.transform = transform
    }

    public init(_ shot: Screenshot) {
        self.init(width: shot.width, height: shot.height, transform: shot.transform)
    }
}

/// Points and distances from the model's coordinate space to desktop pixels.
///
/// Before the session's first screenshot, the model points in `space` over the whole
/// desktop (`--coordinates`). After one, it points at that screenshot: in its pixels
/// (a `desktop` or `WxH` space), or in grid or unit fractions of it, mapped to the
/// desktop through the screenshot's own transform.
public struct Scaler: Sendable, Hashable {
    public var space: CoordinateSpace
    public var desktop: Region
    /// The last screenshot, whose pixels the model's coordinates are.
    public var frame: ScreenshotFrame?

    public init(space: CoordinateSpace, desktop: Region, frame: ScreenshotFrame? = nil) {
        self.space = space
        self.desktop = desktop
        self.frame = frame
    }

    public func point(_ x: Double, _ y: Double) -> Point {
        guard let frame else { return space.toDesktop(x: x, y: y, desktop: desktop) }
        let (px, py) = imagePixels(x, y, frame)
        return frame.transform.toDesktop(imageX: px, imageY: py)
    }

    public func distance(_ dx: Double, _ dy: Double) -> (dx: Int, dy: Int) {
        guard let frame else { return space.scaleDistance(dx: dx, dy: dy, desktop: desktop) }
        let (px, py) = imagePixels(dx, dy, frame)
        return (ImageTransform.whole(px / frame.transform.scaleX), ImageTransform.whole(py / frame.transform.scaleY))
    }

    /// The model's numbers as image pixels of `frame`.
    func imagePixels(_ x: Double, _ y: Double, _ frame: ScreenshotFrame) -> (Double, Double) {
        switch space {
        case .grid(let n): (x / Double(n) * Double(frame.width), y / Double(n) * Double(frame.height))
        case .unit: (x * Double(frame.width), y * Double(frame.height))
        case .desktop, .scaled: (x, y)
        }
    }

    /// The longest scroll one action may ask for, in desktop pixels.
    public static let maximumScrollPixels = 100_000

    /// A desktop point in the model's space, as text (`X=…,Y=…`).
    public func describe(_ p: Point) -> String {
        if let frame {
            let i = frame.transform.toImage(desktop: p)
            switch space {
            case .grid(let n):
                return "X=\(Int((Double(i.x) / Double(frame.width) * Double(n)).rounded())),Y=\(Int((Double(i.y) / Double(frame.height) * Double(n)).rounded()))"
            case .unit: return "X=\(Double(i.x) / Double(frame.width)),Y=\(Double(i.y) / Double(frame.height))"
            case .desktop, .scaled: return "X=\(i.x),Y=\(i.y)"
            }
        }
        let m = space.fromDesktop(p, desktop: desktop)
        if space == .unit { return "X=\(m.x),Y=\(m.y)" }
        return "X=\(Int(m.x)),Y=\(Int(m.y))"
    }
}

/// Bad tool arguments: a sentence that says what a valid call looks like.
public struct ArgumentError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// Reads tool arguments with errors that name the field.
struct Arguments: Sendable {
    let json: JSON
    let context: String

    init(_ json: JSON, context: String) {
        self.json = json
        self.context = context
    }

    func string(_ key: String) throws(ArgumentError) -> String {
        guard let s = json[key].string else { throw ArgumentError("\(context): `\(key)` (a string) is required") }
        return s
    }

    func optionalString(_ key: String) -> String? { json[key].string }

    func number(_ key: String) throws(ArgumentError) -> Double? {
        if json[key].isNull { return nil }
        guard let d = json[key].double, d.isFinite else { throw ArgumentError("\(context): `\(key)` must be a (finite) number") }
        return d
    }

    /// A number rounded to a whole one in `range`; anything outside it (1e300, -5) is an
    /// error naming the range, never a trap in the conversion.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ArgumentError) -> Int? {
        guard let d = try number(key) else { return nil }
        let r = d.rounded()
        guard r >= Double(range.lowerBound), r <= Double(range.upperBound) else {
            throw ArgumentError("\(context): `\(key)` is \(range.lowerBound)–\(range.upperBound); \(d) is out of range")
        }
        return Int(r)
    }

    /// `[x, y]` under `key`.
    func pair(_ key: String) throws(ArgumentError) -> (Double, Double)? {
        if json[key].isNull { return nil }
        guard let a = json[key].array, a.count == 2, let x = a[0].double, let y = a[1].double, x.isFinite, y.isFinite else {
            throw ArgumentError("\(context): `\(key)` must be [x, y] (two numbers)")
        }
        return (x, y)
    }

    /// `x` and `y` members, both or neither.
    func xy() throws(ArgumentError) -> (Double, Double)? {
        switch (try number("x"), try number("y")) {
        case (let x?, let y?): return (x, y)
        case (nil, nil): return nil
        default: throw ArgumentError("\(context): give both `x` and `y`")
        }
    }
}
