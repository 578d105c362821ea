import CPNG

extension PNGCodec {
    /// How many parts `encodeOpaque` deflates side by side for an image of `height` rows:
    /// one per processor, each of at least `minimumPartRows` rows (a small image is not
    /// worth the threads), at most `maximumParts`.
    public static func partCount(height: Int, processors: Int) -> Int {
        max(1, min(processors, maximumParts, height / minimumPartRows))
    }

    public static let minimumPartRows = 128
    public static let maximumParts = 8

    /// The opaque PNG of `image` deflated in `parts` parts at once, one thread each (the
    /// way pigz splits a zlib stream: each part ends on a byte boundary with a sync flush,
    /// and the parts laid end to end are one stream). The file is a valid PNG any decoder
    /// reads; each part starts without the previous one's window, so it is a little larger
    /// than one stream would be.
    public static func encodeOpaque(_ image: PixelImage, level: Int, parts: Int) throws(PNGError) -> [UInt8] {
        let width = image.width, height = image.height
        let asked = max(1, min(parts, maximumParts, height))
        let rows = (height + asked - 1) / asked
        // Every part holds rows: 10 rows asked in 7 parts are 5 parts of 2.
        let parts = (height + rows - 1) / rows
        let bgr: Int32 = image.format == .xrgb8888 ? 1 : 0
        let level = Int32(max(0, min(9, level)))
        let capacity = inputmux_png_part_bound(width, rows)
        // One buffer per part; each thread writes its own. The threads are made on this
        // thread (in C), so they run at its priority: a capture is agent work.
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * parts)
        defer { output.deallocate() }
        var lengths = [Int](repeating: 0, count: parts)
        var adlers = [UInt](repeating: 0, count: parts)
        var raws = [Int](repeating: 0, count: parts)
        image.bytes.withUnsafeBytes { src in
            inputmux_png_deflate_parts(src.bindMemory(to: UInt8.self).baseAddress, image.stride, png_uint_32(width),
                                       png_uint_32(height), png_uint_32(rows), bgr, level, parts, output, capacity,
                                       &lengths, &adlers, &raws)
        }
        guard lengths.allSatisfy({ $0 > 0 }) else { throw .libpng("deflating a part of the image failed") }
        var adler = adlers[0]
        for i in 1..<parts { adler = inputmux_adler32_combine(adler, adlers[i], raws[i]) }
        let starts: [UnsafePointer<UInt8>?] = (0..<parts).map { UnsafePointer(output + $0 * capacity) }
        let bound = lengths.reduce(0, +) + 1024
        var reason = [CChar](repeating: 0, count: 200)
        let out = [UInt8](unsafeUninitializedCapacity: bound) { dst, initialized in
            initialized = starts.withUnsafeBufferPointer { s in
                lengths.withUnsafeBufferPointer { l in
                    reason.withUnsafeMutableBufferPointer { m in
                        inputmux_png_write_parts(png_uint_32(width), png_uint_32(height), level, s.baseAddress, l.baseAddress,
                                                 parts, adler, dst.baseAddress, bound, m.baseAddress)
                    }
                }
            }
        }
        guard !out.isEmpty else {
            throw .libpng(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return out
    }
}
