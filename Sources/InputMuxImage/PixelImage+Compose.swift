extension PixelImage {
    /// A `width` x `height` image (packed rows) of `format`, zero (blank) but where
    /// `parts` are put, each image's top-left corner at its (x, y). Each part must lie
    /// inside and be of `format`.
    public static func composed(width: Int, height: Int, format: PixelFormat,
                                parts: [(image: PixelImage, x: Int, y: Int)]) -> PixelImage {
        var bytes = [UInt8](repeating: 0, count: width * height * 4)
        for (part, x, y) in parts {
            precondition(part.format == format && x >= 0 && y >= 0 && x + part.width <= width && y + part.height <= height,
                         "PixelImage.composed: a \(part.width)x\(part.height) part at \(x),\(y) is not inside \(width)x\(height)")
            let rowBytes = part.width * 4
            for row in 0..<part.height {
                let to = ((y + row) * width + x) * 4
                bytes.replaceSubrange(to..<(to + rowBytes), with: part.bytes[(row * part.stride)..<(row * part.stride + rowBytes)])
            }
        }
        return PixelImage(width: width, height: height, format: format, bytes: bytes)
    }
}
