import CPNG

/// What can go wrong encoding or reading a PNG, each with what to do next.
public enum PNGError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pixel buffer is not `width * height * 4` bytes of RGBA.
    case sizeMismatch(width: Int, height: Int, bytes: Int)
    /// An image with no pixels, or too wide or tall for a PNG.
    case badDimensions(width: Int, height: Int)
    /// libpng refused, with its own sentence.
    case libpng(String)

    public var description: String {
        switch self {
        case .sizeMismatch(let w, let h, let n):
            return "a \(w)x\(h) RGBA image needs \(w * h * 4) bytes, not \(n); pass packed rows of 4 bytes a pixel"
        case .badDimensions(let w, let h):
            return "cannot make a PNG of \(w)x\(h) pixels; ask for at least 1x1, at most 536,870,911 pixels wide and 2^31-2 tall"
        case .libpng(let m):
            return "libpng: \(m); the image data is not a PNG this build can read, or memory ran out"
        }
    }
}

/// PNG through libpng's simplified API: 8-bit RGBA in, the file's bytes out, and back.
public enum PNGCodec {
    /// The PNG file of a `width` × `height` image of packed 8-bit RGBA rows.
    public static func encode(rgba: [UInt8], width: Int, height: Int) throws(PNGError) -> [UInt8] {
        // A row's byte count is an Int32 for libpng: the width is bound by that, not only
        // by PNG's own limit.
        guard width > 0, height > 0, width <= Int(Int32.max) / 4, height < Int(Int32.max) else {
            throw .badDimensions(width: width, height: height)
        }
        guard rgba.count == width * height * 4 else { throw .sizeMismatch(width: width, height: height, bytes: rgba.count) }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = inputmux_png_format_rgba
        let stride = Int32(width * 4)
        // First the size libpng needs, then the bytes.
        var size = 0
        let sized = rgba.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard sized != 0, size > 0 else { throw .libpng(message(&image)) }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBytes { dst in
            rgba.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard written != 0 else { throw .libpng(message(&image)) }
        out.removeLast(out.count - size)
        return out
    }

    /// A PNG file's pixels as packed 8-bit RGBA, whatever its own format.
    public static func decode(_ png: [UInt8]) throws(PNGError) -> (width: Int, height: Int, rgba: [UInt8]) {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let began = png.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw .libpng(message(&image)) }
        defer { png_image_free(&image) }
        image.format = inputmux_png_format_rgba
        let width = Int(image.width), height = Int(image.height)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let done = rgba.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 4), nil) }
        guard done != 0 else { throw .libpng(message(&image)) }
        return (width, height, rgba)
    }

    /// libpng's sentence for the last failure of `image`.
    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
