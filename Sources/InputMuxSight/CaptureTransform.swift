import InputMuxWire
import InputMuxCore

/// How a capture's pixels relate to the desktop: the image is `rect` scaled to
/// `width` × `height`. A point an agent picks in the image maps back to the desktop
/// pixel that the image pixel showed, so the agent's coordinates are the screenshot's.
public struct CaptureTransform: Hashable, Sendable, CustomStringConvertible {
    /// The largest side of a capture image: an upscale stops there.
    public static let maximumSide = 8192

    /// The desktop rectangle shown (for a window capture, in the window's coordinates).
    public let rect: Region
    /// The image's size in pixels.
    public let width: Int
    public let height: Int

    /// A transform of the non-empty `rect` to a `width` × `height` image (each ≥ 1).
    public init(rect: Region, width: Int, height: Int) {
        precondition(!rect.isEmpty && width > 0 && height > 0, "CaptureTransform: \(rect) to \(width)x\(height)")
        self.rect = rect; self.width = width; self.height = height
    }

    /// The desktop position of the image's top-left corner.
    public var origin: Point { Point(x: rect.x, y: rect.y) }
    /// Image pixels per desktop pixel, across.
    public var scaleX: Double { Double(width) / Double(rect.width) }
    /// Image pixels per desktop pixel, down.
    public var scaleY: Double { Double(height) / Double(rect.height) }

    /// The desktop pixel under the centre of image pixel (`imageX`, `imageY`): always
    /// inside `rect`, even for a pixel outside the image.
    public func toDesktop(imageX: Int, imageY: Int) -> Point {
        Point(x: Self.toDesktop(imageX, origin: rect.x, length: rect.width, scale: scaleX),
              y: Self.toDesktop(imageY, origin: rect.y, length: rect.height, scale: scaleY))
    }

    /// The image pixel whose centre lies nearest the centre of desktop pixel `desktop`.
    /// Not clamped: a desktop point outside `rect` maps outside the image (negative, or
    /// `width`/`height` and beyond), as a cursor partly outside needs.
    public func toImage(desktop: Point) -> (x: Int, y: Int) {
        (Self.toImage(desktop.x, origin: rect.x, scale: scaleX), Self.toImage(desktop.y, origin: rect.y, scale: scaleY))
    }

    private static func toDesktop(_ p: Int, origin: Int32, length: Int32, scale: Double) -> Int32 {
        let offset = ((Double(p) + 0.5) / scale - 0.5).rounded()
        let clamped = min(max(offset, 0), Double(length - 1))
        return Int32(Int64(origin) + Int64(clamped))
    }

    private static func toImage(_ d: Int32, origin: Int32, scale: Double) -> Int {
        Int(((Double(Int64(d) - Int64(origin)) + 0.5) * scale - 0.5).rounded())
    }

    /// The image size for a `width` × `height` rectangle fitted into a box of at most
    /// `box.maxWidth` × `box.maxHeight`, keeping the aspect ratio: the limiting side
    /// takes the box's, the other is rounded to the nearest pixel, each at least 1. No box
    /// means 1:1. A box larger than the rectangle scales it up; no side passes
    /// `maximumSide` (the aspect ratio kept there too).
    public static func fit(width: Int, height: Int, into box: (maxWidth: Int, maxHeight: Int)?) throws(RenderError) -> (width: Int, height: Int) {
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else {
            throw .badRect(width: width, height: height)
        }
        let (bw, bh) = box ?? (width, height)
        guard bw >= 1, bh >= 1 else { throw .badBox(width: bw, height: bh) }
        let cw = min(bw, maximumSide), ch = min(bh, maximumSide)
        // Exact integers: width/height against cw/ch decides which side limits.
        if width * ch <= height * cw {
            return (max(1, (2 * width * ch + height) / (2 * height)), ch)
        } else {
            return (cw, max(1, (2 * height * cw + width) / (2 * width)))
        }
    }

    public var description: String {
        "\(rect) → \(width)x\(height) (scale \(scaleX), \(scaleY))"
    }
}
