/// How a capture's pixels are delivered.
public enum ImageFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A PNG file: 8-bit RGB, lossless (the default).
    case png
    /// A JPEG file at a quality of 1...100: smaller, lossy.
    case jpeg
    /// Packed 8-bit R, G, B, A rows, top row first, `width * 4` bytes a row, alpha 255:
    /// no encoding at all, for local clients that read pixels.
    case raw

    /// The media type an MCP image content or a file names.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .raw: "application/octet-stream"
        }
    }

    public var description: String { rawValue }
}
