/// The coordinate spaces models point in, and their mapping onto desktop pixels.
///
/// A model sees a screenshot scaled down (Anthropic recommends XGA 1024×768 or WXGA
/// 1280×800 for a larger desktop), or points on a 0–1000 grid, or in 0.0–1.0 fractions.
/// The daemon only speaks desktop pixels: scale first, then the region gate applies to
/// the scaled point. Results are rounded to the nearest pixel and kept on the desktop.
public enum CoordinateSpace: Sendable, Hashable, CustomStringConvertible {
    /// Logical desktop pixels, unchanged.
    case desktop
    /// A screenshot of the whole desktop scaled to `width`×`height`.
    case scaled(width: Int, height: Int)
    /// 0…`size` on both axes (0–1000 by default), whatever the aspect ratio.
    case grid(Int)
    /// 0.0…1.0 on both axes.
    case unit

    /// Common screenshot sizes by name: `xga` 1024×768, `wxga` 1280×800, `fwxga` 1366×768.
    public static let named: [String: CoordinateSpace] = [
        "xga": .scaled(width: 1024, height: 768), "wxga": .scaled(width: 1280, height: 800),
        "fwxga": .scaled(width: 1366, height: 768), "desktop": .desktop, "pixels": .desktop,
        "grid": .grid(1000), "unit": .unit,
    ]

    /// Parses `desktop`, `xga`, `wxga`, `fwxga`, `grid`, `grid:N`, `unit` or `WxH`.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if let n = Self.named[lower] {
            self = n
        } else if lower.hasPrefix("grid:"), let n = Int(lower.dropFirst(5)), n > 0 {
            self = .grid(n)
        } else {
            let wh = lower.split(separator: "x")
            guard wh.count == 2, let w = Int(wh[0]), let h = Int(wh[1]), w > 0, h > 0 else { return nil }
            self = .scaled(width: w, height: h)
        }
    }

    public var description: String {
        switch self {
        case .desktop: "desktop pixels"
        case .scaled(let w, let h): "a \(w)x\(h) screenshot"
        case .grid(let n): "a 0-\(n) grid"
        case .unit: "0.0-1.0 fractions"
        }
    }

    /// The extent of this space on each axis (for the desktop: its size).
    func extent(of desktop: Region) -> (Double, Double) {
        switch self {
        case .desktop: (Double(desktop.width), Double(desktop.height))
        case .scaled(let w, let h): (Double(w), Double(h))
        case .grid(let n): (Double(n), Double(n))
        case .unit: (1, 1)
        }
    }

    /// A point in this space → desktop pixels, clamped onto the desktop.
    public func toDesktop(x: Double, y: Double, desktop: Region) -> Point {
        let (ex, ey) = extent(of: desktop)
        func axis(_ v: Double, _ extent: Double, _ origin: Int, _ size: Int) -> Int {
            let scaled = self == .desktop ? v : (v / extent * Double(size)).rounded()
            let clamped = scaled.isNaN ? 0 : min(max(scaled, 0), Double(size - 1))
            return origin + Int(clamped)
        }
        let dx = self == .desktop ? x - Double(desktop.x) : x
        let dy = self == .desktop ? y - Double(desktop.y) : y
        return Point(x: axis(dx, ex, desktop.x, desktop.width), y: axis(dy, ey, desktop.y, desktop.height))
    }

    /// Desktop pixels → this space (for reporting the cursor back in the model's space).
    public func fromDesktop(_ p: Point, desktop: Region) -> (x: Double, y: Double) {
        let (ex, ey) = extent(of: desktop)
        if self == .desktop { return (Double(p.x), Double(p.y)) }
        let fx = Double(p.x - desktop.x) / Double(desktop.width) * ex
        let fy = Double(p.y - desktop.y) / Double(desktop.height) * ey
        if self == .unit { return (fx, fy) }
        return (fx.rounded(), fy.rounded())
    }

    /// A distance along x in this space → desktop pixels (scroll amounts, drag deltas).
    public func scaleDistance(dx: Double, dy: Double, desktop: Region) -> (dx: Int, dy: Int) {
        let (ex, ey) = extent(of: desktop)
        // Saturating at ±Int32.max (what the wire carries): 1e300 must not trap the conversion.
        func whole(_ v: Double) -> Int {
            v.isNaN ? 0 : Int(min(max(v.rounded(), -Double(Int32.max)), Double(Int32.max)))
        }
        if self == .desktop { return (whole(dx), whole(dy)) }
        return (whole(dx / ex * Double(desktop.width)), whole(dy / ey * Double(desktop.height)))
    }

    /// The screenshot size to scale a desktop to for a model: the largest of XGA, WXGA
    /// and FWXGA with the desktop's aspect ratio (within 2 %) no bigger than the desktop;
    /// the desktop itself when none fits.
    public static func recommendedScreenshot(for desktop: Region) -> CoordinateSpace {
        let ratio = Double(desktop.width) / Double(desktop.height)
        let candidates: [(Int, Int)] = [(1366, 768), (1280, 800), (1024, 768)]
        for (w, h) in candidates where w <= desktop.width && h <= desktop.height {
            if abs(Double(w) / Double(h) - ratio) / ratio < 0.02 { return .scaled(width: w, height: h) }
        }
        return .desktop
    }
}
