import CPixman

#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong scaling or converting an image, each with what to do next.
public enum ScaleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An output (or input) size of no pixels, or larger than pixman can address.
    case badSize(width: Int, height: Int)
    /// Rows that do not start on a 4-byte boundary: pixman reads 32-bit words.
    case unalignedStride(Int)
    /// pixman could not make an image (out of memory).
    case pixman(String)

    public var description: String {
        switch self {
        case .badSize(let w, let h):
            "cannot scale to or from \(w)x\(h) pixels; ask for 1 to \(ImageScaler.maximumSide) pixels a side"
        case .unalignedStride(let s):
            "a row stride of \(s) bytes is not a multiple of 4; pass rows of whole 32-bit pixels"
        case .pixman(let m):
            "pixman: \(m); memory may have run out, try a smaller size"
        }
    }
}

/// How pixels are weighed when the size changes.
public enum ScaleFilter: String, Hashable, Sendable, CaseIterable {
    /// Bilinear where no axis shrinks more than 2× (every source pixel still counts, and
    /// pixman has a SIMD path for it); past that, halvings by bilinear first (each an
    /// exact 2×2 average: a box filter at SIMD speed) until at most 2× remains.
    case automatic
    /// pixman's bilinear filter (`PIXMAN_FILTER_BILINEAR`, which `GOOD` is).
    case bilinear
    /// An area average: a separable box convolution (box reconstruction, box sampling).
    case box
    /// Lanczos-3 sampling over linear reconstruction: the sharpest, and by far the slowest.
    case lanczos3
}

/// Scaling, format conversion and cursor compositing on pixman.
///
/// Measured for 1920x1080 → 1280x720 (pixman 0.42, the build machine shared with other
/// builds; `CaptureRenderBenchmarkTests`, and the same sources built with `swiftc -O`):
/// bilinear into B,G,R,A about 1.5 ms, into R,G,B,A about 10 ms when pixman writes
/// `a8b8g8r8` itself (it has no SIMD path for that), so R,G,B,A output is scaled into
/// B,G,R,A first and swizzled after: about 2.5 ms in all. The box convolution (box
/// reconstruction and sampling, 1 subsample bit) takes about 22 ms whatever the layout;
/// Lanczos-3 over linear about 300 ms. Bilinear's catch at 1.5×: the source pixels
/// weigh ¾, ¼+¼, ¾ in turn, so a 1-pixel stroke keeps 25–75 % of its contrast where a
/// box keeps 50–100 %; it is 10× cheaper, and no pixel is skipped while its 2-pixel
/// support covers the footprint, so up to 2× `.automatic` takes it. Past 2× bilinear
/// would skip pixels (thin strokes vanish), so `.automatic` halves first: 1920x1080 →
/// 480x270 takes about 2.5 ms that way against about 50 ms for the box convolution.
public enum ImageScaler {
    /// The largest side this scaler makes or reads.
    public static let maximumSide = 32767
    /// Past a 16× shrink the box kernel's cost grows with its square; it is capped there
    /// (as cairo does), so `.box` samples rather than averages the rest.
    static let maximumBoxShrink = 16.0

    /// `image` at `width` × `height` pixels, packed rows, in `format`: `.rgba8888`
    /// (R, G, B, A) or `.xrgb8888` (B, G, R, X). The fourth byte is 255 either way: the
    /// source's alpha or X byte is ignored, captures are opaque. The same size is a pure
    /// conversion. Edges repeat the border pixel, so no black seeps in.
    public static func scale(_ image: PixelImage, width: Int, height: Int, to format: PixelFormat = .rgba8888,
                             filter: ScaleFilter = .automatic) throws(ScaleError) -> PixelImage {
        try check(image)
        guard image.width > 0, image.height > 0 else { throw .badSize(width: image.width, height: image.height) }
        guard (1...maximumSide).contains(width), (1...maximumSide).contains(height) else {
            throw .badSize(width: width, height: height)
        }
        var source = image
        var last: ScaleFilter? = filter
        if filter == .automatic {
            // Halve by bilinear while more than 2x remains: a 2x bilinear step averages
            // each 2x2 block (a box filter), through pixman's SIMD path.
            func over2(_ from: Int, _ to: Int) -> Bool { Double(from) / Double(to) > 2 }
            while over2(source.width, width) || over2(source.height, height) {
                source = try composite(source, width: over2(source.width, width) ? (source.width + 1) / 2 : source.width,
                                       height: over2(source.height, height) ? (source.height + 1) / 2 : source.height,
                                       to: .xrgb8888, filter: .bilinear)
            }
            last = .bilinear
        }
        if source.width == width && source.height == height { last = nil }
        // pixman writes R,G,B,A only through its general path; bilinear into B,G,R,A is
        // SIMD, and a swizzle after it is cheaper than the general path's bilinear.
        if last == .bilinear, format == .rgba8888 {
            let bgra = try composite(source, width: width, height: height, to: .xrgb8888, filter: .bilinear)
            return try composite(bgra, width: width, height: height, to: .rgba8888, filter: nil)
        }
        return try composite(source, width: width, height: height, to: format, filter: last)
    }

    /// `cursor` (premultiplied B, G, R, A: pixman `a8r8g8b8`) drawn over `image` with its
    /// top-left pixel at (`x`, `y`), clipped to the image: a cursor partly outside draws
    /// its visible part, one wholly outside draws nothing.
    public static func overlay(cursor: PixelImage, at x: Int, y: Int, onto image: inout PixelImage) throws(ScaleError) {
        try check(image)
        try check(cursor)
        guard cursor.width > 0, cursor.height > 0,
              x < image.width, y < image.height, x + cursor.width > 0, y + cursor.height > 0 else { return }
        let dstFormat = pixmanFormat(image.format, opaque: false)
        let dw = Int32(image.width), dh = Int32(image.height), dstride = Int32(image.stride)
        let failed: String? = cursor.bytes.withUnsafeBytes { src in
            image.bytes.withUnsafeMutableBytes { dst in
                guard let s = pixman_image_create_bits(PIXMAN_a8r8g8b8, Int32(cursor.width), Int32(cursor.height),
                                                       words(src), Int32(cursor.stride)) else { return "cursor image" }
                defer { pixman_image_unref(s) }
                guard let d = pixman_image_create_bits(dstFormat, dw, dh, words(dst), dstride) else { return "target image" }
                defer { pixman_image_unref(d) }
                // pixman clips the rectangle to the destination and to the source's bounds.
                pixman_image_composite32(PIXMAN_OP_OVER, s, nil, d, 0, 0, 0, 0, Int32(x), Int32(y),
                                         Int32(cursor.width), Int32(cursor.height))
                return nil
            }
        }
        if let failed { throw .pixman("could not wrap the \(failed)") }
    }

    // MARK: - pixman

    private static func check(_ image: PixelImage) throws(ScaleError) {
        guard image.width <= maximumSide, image.height <= maximumSide, image.stride <= Int(Int32.max) else {
            throw .badSize(width: image.width, height: image.height)
        }
        guard image.stride % 4 == 0 else { throw .unalignedStride(image.stride) }
    }

    /// The pixman format of `format`; `opaque` reads the fourth byte as padding.
    private static func pixmanFormat(_ format: PixelFormat, opaque: Bool) -> pixman_format_code_t {
        switch format {
        case .xrgb8888: opaque ? PIXMAN_x8r8g8b8 : PIXMAN_a8r8g8b8
        case .rgba8888: opaque ? PIXMAN_x8b8g8r8 : PIXMAN_a8b8g8r8
        }
    }

    private static func words(_ p: UnsafeRawBufferPointer) -> UnsafeMutablePointer<UInt32>? {
        p.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: UInt32.self) }
    }

    private static func words(_ p: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt32>? {
        p.baseAddress.map { $0.assumingMemoryBound(to: UInt32.self) }
    }

    private static func fixed(_ d: Double) -> pixman_fixed_t { pixman_fixed_t((d * 65536).rounded()) }

    /// One `PIXMAN_OP_SRC` composite of `image` (its fourth byte ignored) into a new packed
    /// image whose fourth byte is 255; `filter` nil means no transform at all.
    private static func composite(_ image: PixelImage, width: Int, height: Int, to format: PixelFormat,
                                  filter: ScaleFilter?) throws(ScaleError) -> PixelImage {
        let srcFormat = pixmanFormat(image.format, opaque: true)
        let dstFormat = pixmanFormat(format, opaque: false)
        let count = width * height * 4
        var failed: String?
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            failed = image.bytes.withUnsafeBytes { src -> String? in
                guard let s = pixman_image_create_bits(srcFormat, Int32(image.width), Int32(image.height),
                                                       words(src), Int32(image.stride)) else { return "could not wrap the source" }
                defer { pixman_image_unref(s) }
                guard let d = pixman_image_create_bits(dstFormat, Int32(width), Int32(height),
                                                       words(UnsafeMutableRawBufferPointer(buffer)), Int32(width * 4)) else {
                    return "could not wrap the output"
                }
                defer { pixman_image_unref(d) }
                if let filter {
                    let sx = Double(image.width) / Double(width), sy = Double(image.height) / Double(height)
                    if let m = configure(s, filter: filter, sx: sx, sy: sy) { return m }
                }
                pixman_image_composite32(PIXMAN_OP_SRC, s, nil, d, 0, 0, 0, 0, 0, 0, Int32(width), Int32(height))
                return nil
            }
            // SRC writes every output pixel; on failure the bytes are dropped with the array.
            initialized = failed == nil ? count : 0
        }
        if let failed { throw .pixman(failed) }
        return PixelImage(width: width, height: height, format: format, bytes: out)
    }

    /// Sets `source`'s transform (output pixel → source pixel), edge repeat and filter.
    private static func configure(_ source: OpaquePointer, filter: ScaleFilter, sx: Double, sy: Double) -> String? {
        var t = pixman_transform()
        pixman_transform_init_scale(&t, fixed(sx), fixed(sy))
        guard pixman_image_set_transform(source, &t) != 0 else { return "refused the scale transform" }
        pixman_image_set_repeat(source, PIXMAN_REPEAT_PAD)
        let ok: pixman_bool_t
        switch filter {
        case .automatic, .bilinear:
            ok = pixman_image_set_filter(source, PIXMAN_FILTER_BILINEAR, nil, 0)
        case .box, .lanczos3:
            // A kernel narrower than one source pixel would sample, not average: at least 1.
            let kx = min(max(sx, 1), maximumBoxShrink), ky = min(max(sy, 1), maximumBoxShrink)
            let (reconstruct, sample) = filter == .box ? (PIXMAN_KERNEL_BOX, PIXMAN_KERNEL_BOX)
                                                       : (PIXMAN_KERNEL_LINEAR, PIXMAN_KERNEL_LANCZOS3)
            var n: Int32 = 0
            // One subsample bit (two phases a pixel) is as good as four for a box and
            // costs less to set up.
            guard let params = pixman_filter_create_separable_convolution(
                &n, fixed(kx), fixed(ky), reconstruct, reconstruct, sample, sample, 1, 1) else {
                return "could not make the convolution kernel"
            }
            defer { free(params) }
            ok = pixman_image_set_filter(source, PIXMAN_FILTER_SEPARABLE_CONVOLUTION, params, n)
        }
        return ok != 0 ? nil : "refused the \(filter) filter"
    }
}
