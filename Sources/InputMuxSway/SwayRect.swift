import InputMuxWire
import struct InputMuxCore.Region

extension Region {
    /// A sway `rect` object (`x`, `y`, `width`, `height`, in layout coordinates); nil when
    /// a member is missing or not an integer.
    init?(sway value: JSON) {
        guard let x = value["x"].int64, let y = value["y"].int64, let w = value["width"].int64, let h = value["height"].int64,
              let x32 = Int32(exactly: x), let y32 = Int32(exactly: y), let w32 = Int32(exactly: w), let h32 = Int32(exactly: h)
        else { return nil }
        self.init(x: x32, y: y32, width: w32, height: h32)
    }

    /// The smallest region holding both.
    func bounding(_ o: Region) -> Region {
        let x0 = Swift.min(x, o.x), y0 = Swift.min(y, o.y)
        let x1 = Swift.max(x &+ width, o.x &+ o.width), y1 = Swift.max(y &+ height, o.y &+ o.height)
        return Region(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
