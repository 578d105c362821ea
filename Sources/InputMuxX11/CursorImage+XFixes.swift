import CXfixes
import InputMuxImage
import InputMuxSight

extension CursorImage {
    /// The cursor image XFixes gave (`XFixesGetCursorImage`; the caller frees it): nil
    /// when it is empty. One `unsigned long` a pixel, its low 32 bits ARGB, which written
    /// little-endian is B, G, R, A: here the fourth byte is alpha, the cursor is not opaque.
    init?(xfixes c: UnsafeMutablePointer<XFixesCursorImage>) {
        let w = Int(c.pointee.width), h = Int(c.pointee.height)
        guard w > 0, h > 0, let pixels = c.pointee.pixels else { return nil }
        var bytes = [UInt8](repeating: 0, count: w * h * 4)
        for i in 0..<(w * h) {
            let p = UInt32(truncatingIfNeeded: pixels[i])
            bytes[i * 4] = UInt8(p & 0xff)
            bytes[i * 4 + 1] = UInt8(p >> 8 & 0xff)
            bytes[i * 4 + 2] = UInt8(p >> 16 & 0xff)
            bytes[i * 4 + 3] = UInt8(p >> 24)
        }
        self.init(image: PixelImage(width: w, height: h, format: .xrgb8888, bytes: bytes), hotX: Int(c.pointee.xhot), hotY: Int(c.pointee.yhot))
    }
}
