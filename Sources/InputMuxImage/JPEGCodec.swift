import CTurboJPEG

/// What can go wrong encoding or reading a JPEG, each with what to do next.
public enum JPEGError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A quality outside 1...100.
    case badQuality(Int)
    /// An image with no pixels, or too large for libjpeg (65,500 a side).
    case badDimensions(width: Int, height: Int)
    /// libturbojpeg refused, with its own sentence.
    case turbojpeg(String)

    public var description: String {
        switch self {
        case .badQuality(let q):
            "JPEG quality \(q) is out of range; ask for 1 (smallest) to 100 (best)"
        case .badDimensions(let w, let h):
            "cannot make a JPEG of \(w)x\(h) pixels; ask for 1 to \(JPEGCodec.maximumSide) pixels a side"
        case .turbojpeg(let m):
            "libturbojpeg: \(m); the data is not a JPEG this build can read, or memory ran out"
        }
    }
}

/// JPEG through libturbojpeg's TurboJPEG API (version 2: `tjCompress2`, `tjDecompress2`;
/// the `tj3` API is 3.0's and Debian 12 ships 2.1.5).
public enum JPEGCodec {
    /// libjpeg's limit on a side (`JPEG_MAX_DIMENSION`).
    public static let maximumSide = 65_500
    /// From this quality on, chroma keeps full resolution (4:4:4): whoever asks for 90+
    /// wants coloured text edges crisp. Below it, 4:2:0 halves the chroma both ways, as
    /// every JPEG photo does, for a smaller file.
    public static let fullChromaQuality = 90

    /// The JPEG file of `image` (`.xrgb8888` or `.rgba8888`, its fourth byte ignored) at
    /// `quality` 1...100.
    public static func encode(_ image: PixelImage, quality: Int) throws(JPEGError) -> [UInt8] {
        guard (1...100).contains(quality) else { throw .badQuality(quality) }
        guard (1...maximumSide).contains(image.width), (1...maximumSide).contains(image.height),
              image.stride <= Int(Int32.max) else {
            throw .badDimensions(width: image.width, height: image.height)
        }
        guard let handle = tjInitCompress() else { throw .turbojpeg("could not start a compressor") }
        defer { tjDestroy(handle) }
        let pixelFormat = image.format == .xrgb8888 ? TJPF_BGRX : TJPF_RGBX
        let subsampling = quality >= fullChromaQuality ? TJSAMP_444 : TJSAMP_420
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.bytes.withUnsafeBytes { src in
            tjCompress2(handle, src.bindMemory(to: UInt8.self).baseAddress, Int32(image.width), Int32(image.stride),
                        Int32(image.height), Int32(pixelFormat.rawValue), &jpeg, &size,
                        Int32(subsampling.rawValue), Int32(quality), 0)
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg else { throw .turbojpeg(message(handle)) }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }

    /// A JPEG file's pixels as packed `.rgba8888`, alpha 255.
    public static func decode(_ jpeg: [UInt8]) throws(JPEGError) -> PixelImage {
        guard let handle = tjInitDecompress() else { throw .turbojpeg("could not start a decompressor") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = jpeg.withUnsafeBytes { src in
            tjDecompressHeader3(handle, src.bindMemory(to: UInt8.self).baseAddress, UInt(src.count),
                                &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else { throw .turbojpeg(message(handle)) }
        guard width > 0, height > 0 else { throw .badDimensions(width: Int(width), height: Int(height)) }
        let count = Int(width) * Int(height) * 4
        var status: Int32 = -1
        let pixels = jpeg.withUnsafeBytes { src in
            [UInt8](unsafeUninitializedCapacity: count) { dst, initialized in
                status = tjDecompress2(handle, src.bindMemory(to: UInt8.self).baseAddress, UInt(src.count),
                                       dst.baseAddress, width, width * 4, height, Int32(TJPF_RGBA.rawValue), 0)
                initialized = status == 0 ? count : 0
            }
        }
        guard status == 0 else { throw .turbojpeg(message(handle)) }
        return PixelImage(width: Int(width), height: Int(height), format: .rgba8888, bytes: pixels)
    }

    private static func message(_ handle: tjhandle) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
    }
}
