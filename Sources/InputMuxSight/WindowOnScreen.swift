import InputMuxCore
import InputMuxImage
import struct InputMuxCore.Region

/// A window as the screen shows it: where it lies, and which parts of it other surfaces
/// stacked above it hide. A compositor that copies only its outputs (wlr-screencopy)
/// shows a window this way; a covered part is someone else's pixels, so a capture of
/// the window leaves it blank (DESIGN §5b: no pixel shown that the lease does not cover).
public struct WindowOnScreen: Hashable, Sendable {
    /// The window's rectangle in desktop pixels: window coordinate (0,0) is its corner.
    public var frame: Region
    /// Rectangles of the desktop (desktop pixels) that surfaces above the window cover;
    /// they may reach past `frame` and overlap one another.
    public var covered: [Region]

    public init(frame: Region, covered: [Region] = []) {
        self.frame = frame; self.covered = covered
    }

    /// The window's own rectangle in window coordinates: what a window target may ask for.
    public var inside: Region { Region(x: 0, y: 0, width: frame.width, height: frame.height) }

    /// `rect` (window coordinates) in desktop pixels.
    public func onScreen(_ rect: Region) -> Region {
        Region(x: frame.x &+ rect.x, y: frame.y &+ rect.y, width: rect.width, height: rect.height)
    }

    /// `image`, which shows the desktop rectangle `shown`, with every pixel a covering
    /// surface holds set to zero (black), and every pixel outside `visible`
    /// (the part of `shown` the screen has) too.
    public func blanking(_ image: PixelImage, shown: Region, visible: Region) -> PixelImage {
        var out = image
        let stride = image.stride
        var holes = covered
        // What the screen does not reach (off every output) is not the window's to show either.
        if visible != shown {
            holes += Self.outside(visible, of: shown)
        }
        for hole in holes {
            guard let part = hole.clipped(to: shown) else { continue }
            let x0 = Int(part.x - shown.x), y0 = Int(part.y - shown.y)
            let rowBytes = Int(part.width) * 4
            out.bytes.withUnsafeMutableBufferPointer { bytes in
                for row in y0..<(y0 + Int(part.height)) {
                    let start = row * stride + x0 * 4
                    bytes[start..<(start + rowBytes)].update(repeating: 0)
                }
            }
        }
        return out
    }

    /// The parts of `outer` that `inner` (inside it) leaves: up to four bands.
    static func outside(_ inner: Region, of outer: Region) -> [Region] {
        let ox1 = outer.x &+ outer.width, oy1 = outer.y &+ outer.height
        let ix1 = inner.x &+ inner.width, iy1 = inner.y &+ inner.height
        return [Region(x: outer.x, y: outer.y, width: outer.width, height: inner.y &- outer.y),
                Region(x: outer.x, y: iy1, width: outer.width, height: oy1 &- iy1),
                Region(x: outer.x, y: inner.y, width: inner.x &- outer.x, height: inner.height),
                Region(x: ix1, y: inner.y, width: ox1 &- ix1, height: inner.height)].filter { !$0.isEmpty }
    }
}

extension Region {
    /// The part of this rectangle inside `other`; nil when they do not overlap.
    func clipped(to other: Region) -> Region? {
        guard overlaps(other) else { return nil }
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(Int64(x) + Int64(width), Int64(other.x) + Int64(other.width))
        let y1 = Swift.min(Int64(y) + Int64(height), Int64(other.y) + Int64(other.height))
        return Region(x: x0, y: y0, width: Int32(x1 - Int64(x0)), height: Int32(y1 - Int64(y0)))
    }
}
