import Foundation
import InputMuxWire

/// A point in logical desktop pixels.
public struct Point: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    public var description: String { "\(x),\(y)" }
    var wire: JSON { [.int(Int64(x)), .int(Int64(y))] }
}

/// A rectangle in logical desktop pixels, as leases and the desktop are described.
public struct Region: Sendable, Hashable, CustomStringConvertible, WireObjectDecodable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Parses `x,y,WxH` (the daemon's spelling) or `x,y,w,h` (the command-line one).
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "x" || $0 == "X" })
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        // Desktop pixels are 32-bit on the wire; larger numbers would also overflow `x + width`.
        let pixels = Int(Int32.min)...Int(Int32.max)
        guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3], w > 0, h > 0,
              [x, y, w, h].allSatisfy(pixels.contains) else {
            return nil
        }
        self.init(x: x, y: y, width: w, height: h)
    }

    /// `x,y,WxH`, the daemon's spelling.
    public var description: String { "\(x),\(y),\(width)x\(height)" }

    public func contains(_ p: Point) -> Bool {
        p.x >= x && p.y >= y && p.x < x + width && p.y < y + height
    }

    public func overlaps(_ other: Region) -> Bool {
        x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }

    /// The centre pixel.
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// `{"x":…,"y":…,"width":…,"height":…}`, as the daemon describes regions.
    public init(fields f: JSONFields) throws(WireError) {
        self.init(x: try f.decode("x"), y: try f.decode("y"), width: try f.decode("width"), height: try f.decode("height"))
    }

    var wire: JSON { .string(description) }
}
