/// A position in logical desktop pixels.
public struct Point: Hashable, Sendable, CustomStringConvertible {
    public var x: Int32
    public var y: Int32
    @inlinable public init(x: Int32, y: Int32) { self.x = x; self.y = y }
    public var description: String { "\(x),\(y)" }
}

/// A rectangle in logical desktop pixels: `x,y,w,h`. Half-open: `x..<x+w`, `y..<y+h`.
public struct Region: Hashable, Sendable, CustomStringConvertible {
    public var x: Int32
    public var y: Int32
    public var width: Int32
    public var height: Int32

    @inlinable
    public init(x: Int32, y: Int32, width: Int32, height: Int32) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    @inlinable public var isEmpty: Bool { width <= 0 || height <= 0 }

    @inlinable
    public func contains(_ p: Point) -> Bool {
        p.x >= x && p.y >= y && Int64(p.x) < Int64(x) + Int64(width) && Int64(p.y) < Int64(y) + Int64(height)
    }

    @inlinable
    public func contains(_ r: Region) -> Bool {
        r.x >= x && r.y >= y
            && Int64(r.x) + Int64(r.width) <= Int64(x) + Int64(width)
            && Int64(r.y) + Int64(r.height) <= Int64(y) + Int64(height)
    }

    @inlinable
    public func overlaps(_ o: Region) -> Bool {
        if isEmpty || o.isEmpty { return false }
        return Int64(x) < Int64(o.x) + Int64(o.width) && Int64(o.x) < Int64(x) + Int64(width)
            && Int64(y) < Int64(o.y) + Int64(o.height) && Int64(o.y) < Int64(y) + Int64(height)
    }

    /// `x,y,WxH`, the form used in reasons and the CLI.
    public var description: String { "\(x),\(y),\(width)x\(height)" }

    /// The smallest region holding both (a desktop around its monitors or outputs).
    public func bounding(_ o: Region) -> Region {
        let x0 = Swift.min(x, o.x), y0 = Swift.min(y, o.y)
        let x1 = Swift.max(x &+ width, o.x &+ o.width), y1 = Swift.max(y &+ height, o.y &+ o.height)
        return Region(x: x0, y: y0, width: x1 &- x0, height: y1 &- y0)
    }

    /// The smallest region holding all of `regions`; nil for none.
    public static func bounding(_ regions: some Sequence<Region>) -> Region? {
        regions.reduce(nil) { box, r in box.map { $0.bounding(r) } ?? r }
    }
}
