import CPNG
import Glibc

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

/// PNG through libpng: 8-bit RGBA in, the file's bytes out, and back (the simplified API);
/// opaque screenshots out fast (the regular write API, through the C shim).
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
        // One pass into a buffer of the most libpng can write (asking for the size first
        // compresses the image twice), then the written part copied out.
        var size = inputmux_png_size_max(&image)
        var failed = false
        let bound = size
        let out = [UInt8](unsafeUninitializedCapacity: bound) { dst, initialized in
            let ok = rgba.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
            failed = ok == 0
            initialized = failed ? 0 : size
        }
        guard !failed else { throw .libpng(message(&image)) }
        return out.count * 2 < bound ? exactCopy(out) : out
    }

    /// The processors a PNG is encoded on (`sysconf(_SC_NPROCESSORS_ONLN)`).
    static let processors = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// The zlib level `encodeOpaque` uses. For a 1280x800 screenshot-like image (window
    /// chrome, flat panels, anti-aliased text; `PNGCodecTests.screenshotLike`), one core,
    /// C measurement with -O2: the simplified API's default (level 6, adaptive filters)
    /// 41 ms and 78.5 kB; its FAST flag (level 3, no filter, RGBA) 10.3 ms and 89 kB;
    /// RGB with no filter at level 1 7.0 ms and 92 kB, at level 2 6.9 ms and 84 kB, at
    /// level 3 8.8 ms and 78 kB, at level 4 12 ms and 66 kB. Row filters (sub, up, paeth)
    /// cost more and made these images larger. Level 2 is as fast as 1 and smaller.
    public static let opaqueLevel = 2

    /// The PNG file of an opaque `image` (`.xrgb8888` or `.rgba8888`; its fourth byte is
    /// dropped, the file is 8-bit RGB), written for speed: zlib `level` (0...9), no row
    /// filter, through libpng's regular write API.
    ///
    /// A tall image is deflated in parts side by side, one per processor
    /// (`encodeOpaque(_:level:parts:)`): a 1280x800 capture on two cores takes about half
    /// the time.
    public static func encodeOpaque(_ image: PixelImage, level: Int = opaqueLevel) throws(PNGError) -> [UInt8] {
        guard image.width > 0, image.height > 0, image.width <= Int(Int32.max) / 4, image.height < Int(Int32.max) else {
            throw .badDimensions(width: image.width, height: image.height)
        }
        let parts = partCount(height: image.height, processors: processors)
        if parts > 1 { return try encodeOpaque(image, level: level, parts: parts) }
        let bound = inputmux_png_opaque_bound(image.width, image.height)
        var reason = [CChar](repeating: 0, count: 200)
        let out = [UInt8](unsafeUninitializedCapacity: bound) { dst, initialized in
            initialized = image.bytes.withUnsafeBytes { src in
                reason.withUnsafeMutableBufferPointer { m in
                    inputmux_png_write_opaque(src.bindMemory(to: UInt8.self).baseAddress, png_uint_32(image.width),
                                              png_uint_32(image.height), image.stride, image.format == .xrgb8888 ? 1 : 0,
                                              Int32(max(0, min(9, level))), dst.baseAddress, bound, m.baseAddress)
                }
            }
        }
        guard !out.isEmpty else {
            throw .libpng(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        // The bound is about the raw size; a screenshot compresses to a tenth of it, and
        // the reply keeps the array: copy the written part out rather than hold the rest.
        return exactCopy(out)
    }

    /// `bytes` in an array of their own size (`Array(bytes)` would share the large buffer).
    static func exactCopy(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { dst, initialized in
            _ = dst.initialize(from: bytes)
            initialized = bytes.count
        }
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
