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
}
