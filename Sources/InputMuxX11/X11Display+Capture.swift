import CX11
import InputMuxCore
import struct InputMuxCore.Region

/// Pixels read from the X server: `width` × `height`, 8-bit RGBA, rows packed
/// (`width * 4` bytes each), top row first.
public struct CapturedPixels: Sendable, Equatable {
    /// The desktop rectangle the pixels show.
    public let region: Region
    public let rgba: [UInt8]

    public var width: Int { Int(region.width) }
    public var height: Int { Int(region.height) }

    /// The pixel at (`x`, `y`) of the capture, as 0xRRGGBB.
    public func rgb(x: Int, y: Int) -> UInt32 {
        let i = (y * width + x) * 4
        return UInt32(rgba[i]) << 16 | UInt32(rgba[i + 1]) << 8 | UInt32(rgba[i + 2])
    }
}

extension X11Display {
    /// The root window's pixels in `region` (desktop coordinates), as the screen shows
    /// them: every window that covers the rectangle, composited as on the screen.
    ///
    /// `region` must lie within the screen: a capture never shows what it was not asked
    /// for, so it is refused rather than clipped.
    public func capture(_ region: Region) throws(X11Error) -> CapturedPixels {
        let screen = XDefaultScreen(display)
        let bounds = Region(x: 0, y: 0, width: XDisplayWidth(display, screen), height: XDisplayHeight(display, screen))
        guard !region.isEmpty, bounds.contains(region) else { throw .captureOutsideScreen(region, screen: bounds) }
        let (image, failed) = checked {
            XGetImage(display, root, region.x, region.y, UInt32(region.width), UInt32(region.height), ~0, ZPixmap)
        }
        guard let image, !failed else { throw .captureFailed(region) }
        defer { _ = image.pointee.f.destroy_image(image) }
        return CapturedPixels(region: region, rgba: Self.rgba(image))
    }

    /// The image's pixels as packed RGBA. The common TrueColor layout (32 bits a pixel,
    /// 8-bit channels, little-endian: B, G, R, X in memory) is copied row by row; any
    /// other layout goes through Xlib's own pixel reader and the visual's masks.
    static func rgba(_ image: UnsafeMutablePointer<XImage>) -> [UInt8] {
        let im = image.pointee
        let width = Int(im.width), height = Int(im.height), stride = Int(im.bytes_per_line)
        var out = [UInt8](repeating: 255, count: width * height * 4)
        let fast = im.bits_per_pixel == 32 && im.byte_order == LSBFirst
            && im.red_mask == 0xff0000 && im.green_mask == 0xff00 && im.blue_mask == 0xff
        if fast, let data = im.data {
            data.withMemoryRebound(to: UInt8.self, capacity: stride * height) { src in
                for y in 0..<height {
                    let row = src + y * stride
                    for x in 0..<width {
                        let o = (y * width + x) * 4
                        out[o] = row[x * 4 + 2]
                        out[o + 1] = row[x * 4 + 1]
                        out[o + 2] = row[x * 4]
                    }
                }
            }
            return out
        }
        let masks = [im.red_mask, im.green_mask, im.blue_mask].map(UInt.init)
        for y in 0..<height {
            for x in 0..<width {
                let pixel = UInt(im.f.get_pixel(image, Int32(x), Int32(y)))
                let o = (y * width + x) * 4
                for (c, mask) in masks.enumerated() where mask != 0 {
                    let shift = mask.trailingZeroBitCount
                    let maximum = mask >> shift
                    out[o + c] = UInt8(((pixel & mask) >> shift) * 255 / maximum)
                }
            }
        }
        return out
    }
}
