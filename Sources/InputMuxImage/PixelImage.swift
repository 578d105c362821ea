/// How a pixel's four bytes lie in memory.
public enum PixelFormat: String, Hashable, Sendable {
    /// B, G, R, X: the X server's and Wayland's native 32-bit layout (pixman `x8r8g8b8`
    /// on a little-endian machine). The fourth byte means nothing.
    case xrgb8888
    /// R, G, B, A: what `raw` captures carry on the wire and the codecs read
    /// (pixman `a8b8g8r8` on a little-endian machine). Captures are opaque: A is 255.
    case rgba8888
}

/// An image in memory: `height` rows of `stride` bytes, top row first, 4 bytes a pixel.
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Bytes from one row's start to the next (at least `width * 4`).
    public let stride: Int
    public let format: PixelFormat
    public var bytes: [UInt8]

    public init(width: Int, height: Int, stride: Int? = nil, format: PixelFormat, bytes: [UInt8]) {
        let s = stride ?? width * 4
        precondition(width >= 0 && height >= 0 && s >= width * 4 && bytes.count >= s * height,
                     "PixelImage: \(bytes.count) bytes cannot hold \(height) rows of stride \(s) for width \(width)")
        self.width = width; self.height = height; self.stride = s; self.format = format; self.bytes = bytes
    }

    /// The pixel at (`x`, `y`) as 0xRRGGBB, whatever the format.
    public func rgb(x: Int, y: Int) -> UInt32 {
        let i = y * stride + x * 4
        switch format {
        case .xrgb8888: return UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
        case .rgba8888: return UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        }
    }
}
