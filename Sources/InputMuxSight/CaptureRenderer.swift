import InputMuxWire
import Crypto
import InputMuxCore
import InputMuxImage

/// Why a capture could not be made into an image, each with what to do next.
public enum RenderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A rectangle with no pixels (or more than a desktop holds).
    case badRect(width: Int, height: Int)
    /// A size box with a side under 1 pixel.
    case badBox(width: Int, height: Int)
    /// The pixels are not the rectangle's size.
    case sizeMismatch(pixelsWidth: Int, pixelsHeight: Int, rect: Region)
    /// A JPEG quality outside 1...100.
    case badQuality(Int)
    case scale(ScaleError)
    case png(PNGError)
    case jpeg(JPEGError)

    public var description: String {
        switch self {
        case .badRect(let w, let h):
            "cannot capture a \(w)x\(h) rectangle; ask for one of at least 1x1 pixels"
        case .badBox(let w, let h):
            "cannot fit a capture into \(w)x\(h); ask for a size of at least 1x1, or none for 1:1"
        case .sizeMismatch(let w, let h, let r):
            "the source gave \(w)x\(h) pixels for \(r); it must capture the rectangle exactly"
        case .badQuality(let q):
            "JPEG quality \(q) is out of range; ask for 1 (smallest) to 100 (best)"
        case .scale(let e): "scaling the capture failed: \(e)"
        case .png(let e): "encoding the capture as PNG failed: \(e)"
        case .jpeg(let e): "encoding the capture as JPEG failed: \(e)"
        }
    }
}

/// A capture made ready for its agent: the bytes, how to read them, where they came
/// from, and their SHA-256 for the audit record.
public struct RenderedImage: Sendable, Equatable {
    /// The file (PNG, JPEG) or the packed R, G, B, A rows (raw).
    public let bytes: [UInt8]
    public let format: ImageFormat
    /// The desktop rectangle shown, and the image's size.
    public let transform: CaptureTransform
    /// Lower-case hex of the SHA-256 of `bytes`: what the audit log keeps instead of the picture.
    public let sha256: String

    /// With `sha256` the hash of `bytes` computed elsewhere (in parallel with delivery).
    public init(bytes: [UInt8], format: ImageFormat, transform: CaptureTransform, sha256: String) {
        self.bytes = bytes; self.format = format; self.transform = transform; self.sha256 = sha256
    }

    /// Lower-case hex of the SHA-256 of `bytes`.
    public static func sha256(of bytes: [UInt8]) -> String { Hex.encode(SHA256.hash(data: bytes)) }

    public init(bytes: [UInt8], format: ImageFormat, transform: CaptureTransform) {
        self.init(bytes: bytes, format: format, transform: transform, sha256: Self.sha256(of: bytes))
    }
}

/// Captured pixels to the image an agent receives: scaled to fit its box, the agent's
/// cursor drawn in, encoded, hashed.
public enum CaptureRenderer {
    /// `pixels` (exactly `rect`'s size) fitted into `box` (nil: 1:1), with `cursor` (its
    /// image and the hot spot's position, in `rect`'s coordinates: the desktop's, or the
    /// window's for a window capture) drawn when the hot spot lies inside `rect` (a
    /// pointer outside the lease is not the agent's to see), encoded as `format`;
    /// `quality` (1...100) counts for JPEG only. PNG is 8-bit RGB written for speed
    /// (`PNGCodec.encodeOpaque`); JPEG is 4:2:0 below quality 90 and 4:4:4 from it.
    ///
    /// The cursor is drawn after scaling, at its own size, its hot spot on
    /// `transform.toImage(desktop:)`: it stays crisp and recognisable at any scale, and
    /// its tip marks the pixel a click there would hit.
    public static func render(pixels: PixelImage, rect: Region, box: (maxWidth: Int, maxHeight: Int)?,
                              format: ImageFormat, quality: Int = 80,
                              cursor: (image: CursorImage, hotSpot: Point)? = nil, hashing: Bool = true) throws(RenderError) -> RenderedImage {
        let size = try CaptureTransform.fit(width: Int(rect.width), height: Int(rect.height), into: box)
        guard pixels.width == Int(rect.width), pixels.height == Int(rect.height) else {
            throw .sizeMismatch(pixelsWidth: pixels.width, pixelsHeight: pixels.height, rect: rect)
        }
        if format == .jpeg, !(1...100).contains(quality) { throw .badQuality(quality) }
        let transform = CaptureTransform(rect: rect, width: size.width, height: size.height)

        // PNG and JPEG read B,G,R,X as readily as R,G,B,A and ignore the fourth byte, so an
        // unscaled capture goes to them as it came (the cursor, if any, copies it on
        // write); raw needs packed R,G,B,A with alpha 255, so it is always converted.
        var image = pixels
        let scaled = size.width != pixels.width || size.height != pixels.height
        if scaled || format == .raw {
            do {
                image = try ImageScaler.scale(pixels, width: size.width, height: size.height,
                                              to: format == .raw ? .rgba8888 : .xrgb8888)
            } catch { throw .scale(error) }
        }
        if let cursor, rect.contains(cursor.hotSpot) {
            let hot = transform.toImage(desktop: cursor.hotSpot)
            do {
                try ImageScaler.overlay(cursor: cursor.image.image, at: hot.x - cursor.image.hotX,
                                        y: hot.y - cursor.image.hotY, onto: &image)
            } catch { throw .scale(error) }
        }

        let bytes: [UInt8]
        switch format {
        case .png:
            do { bytes = try PNGCodec.encodeOpaque(image) } catch { throw .png(error) }
        case .jpeg:
            do { bytes = try JPEGCodec.encode(image, quality: quality) } catch { throw .jpeg(error) }
        case .raw:
            bytes = image.bytes
        }
        // Without hashing the caller hashes (`RenderedImage.sha256(of:)`) beside its delivery.
        return hashing ? RenderedImage(bytes: bytes, format: format, transform: transform)
            : RenderedImage(bytes: bytes, format: format, transform: transform, sha256: "")
    }
}
