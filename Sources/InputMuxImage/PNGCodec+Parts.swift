import CPNG
import Dispatch

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
        let rows = (height + parts - 1) / parts
        let bgr: Int32 = image.format == .xrgb8888 ? 1 : 0
        let level = Int32(max(0, min(9, level)))
        let capacity = inputmux_png_part_bound(width, rows)
        // One buffer per part; each thread writes its own.
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * parts)
        defer { output.deallocate() }
        let results = UnsafeMutablePointer<(length: Int, adler: UInt, raw: Int)>.allocate(capacity: parts)
        defer { results.deallocate() }
        results.initialize(repeating: (0, 0, 0), count: parts)
        image.bytes.withUnsafeBytes { src in
            let pixels = src.bindMemory(to: UInt8.self).baseAddress!
            let shared = (pixels: UnsafeSendable(pixels), output: UnsafeSendable(output), results: UnsafeSendable(results))
            DispatchQueue.concurrentPerform(iterations: parts) { i in
                let y0 = i * rows, y1 = min(height, y0 + rows)
                var adler: UInt = 0
                var raw = 0
                let n = inputmux_png_deflate_part(shared.pixels.value, image.stride, png_uint_32(width), png_uint_32(y0),
                                                  png_uint_32(y1), bgr, level, i == parts - 1 ? 1 : 0,
                                                  shared.output.value + i * capacity, capacity, &adler, &raw)
                shared.results.value[i] = (n, adler, raw)
            }
        }
        guard (0..<parts).allSatisfy({ results[$0].length > 0 }) else { throw .libpng("deflating a part of the image failed") }
        var adler = results[0].adler
        for i in 1..<parts { adler = inputmux_adler32_combine(adler, results[i].adler, results[i].raw) }
        let starts: [UnsafePointer<UInt8>?] = (0..<parts).map { UnsafePointer(output + $0 * capacity) }
        let lengths = (0..<parts).map { results[$0].length }
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

/// A pointer handed to the threads of one `concurrentPerform`, each touching its own part.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
