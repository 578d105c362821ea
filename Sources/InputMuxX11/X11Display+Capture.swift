import CX11
import InputMuxCore
import InputMuxImage
import struct InputMuxCore.Region

extension X11Display {
    /// The screen: the root window's size now (asked each time, so a RandR resize shows).
    /// The corresponding C function is `XGetGeometry`.
    public func screen() -> Region {
        var r: UInt = 0
        var x: Int32 = 0, y: Int32 = 0
        var w: UInt32 = 0, h: UInt32 = 0, border: UInt32 = 0, depth: UInt32 = 0
        guard XGetGeometry(display, root, &r, &x, &y, &w, &h, &border, &depth) != 0 else {
            let s = XDefaultScreen(display)
            return Region(x: 0, y: 0, width: XDisplayWidth(display, s), height: XDisplayHeight(display, s))
        }
        return Region(x: 0, y: 0, width: Int32(clamping: w), height: Int32(clamping: h))
    }

    /// The root window's pixels in `region` (desktop coordinates), as the screen shows
    /// them: every window that covers the rectangle, composited as on the screen. Read
    /// with `XGetImage` (the pixels travel over the X socket): `X11CaptureSource` uses
    /// MIT-SHM instead when the server can share memory, and this when it cannot.
    ///
    /// `region` must lie within the screen: a capture never shows what it was not asked
    /// for, so it is refused rather than clipped.
    public func capture(_ region: Region) throws(X11Error) -> PixelImage {
        let bounds = screen()
        guard !region.isEmpty, bounds.contains(region) else { throw .captureOutsideScreen(region, screen: bounds) }
        guard let image = getImage(root, region, visual: nil) else { throw .captureFailed(region) }
        return image
    }

    /// `drawable`'s pixels in `rect` (its own coordinates) through `XGetImage`; nil when
    /// the server refused. `visual` gives the channel masks for a pixmap, whose image the
    /// server sends without a visual.
    func getImage(_ drawable: UInt, _ rect: Region, visual: UnsafeMutablePointer<Visual>?) -> PixelImage? {
        let (image, failed) = checked {
            XGetImage(display, drawable, rect.x, rect.y, UInt32(rect.width), UInt32(rect.height), ~0, ZPixmap)
        }
        guard let image else { return nil }
        defer { _ = image.pointee.f.destroy_image(image) }
        guard !failed else { return nil }
        if image.pointee.red_mask == 0, let v = visual {
            image.pointee.red_mask = v.pointee.red_mask
            image.pointee.green_mask = v.pointee.green_mask
            image.pointee.blue_mask = v.pointee.blue_mask
        }
        return Self.pixels(image)
    }

    /// The image's pixels as `.xrgb8888` (B, G, R, X in memory), rows packed. The common
    /// TrueColor layout (32 bits a pixel, 8-bit channels, little-endian) is already that
    /// and is copied row by row, its fourth byte as the server left it; any other layout
    /// goes through Xlib's own pixel reader and the masks, the fourth byte set to 255.
    static func pixels(_ image: UnsafeMutablePointer<XImage>) -> PixelImage {
        let im = image.pointee
        let width = Int(im.width), height = Int(im.height), stride = Int(im.bytes_per_line)
        let row = width * 4
        let fast = im.bits_per_pixel == 32 && im.byte_order == LSBFirst
            && im.red_mask == 0xff0000 && im.green_mask == 0xff00 && im.blue_mask == 0xff
        if fast, let data = im.data {
            let bytes = [UInt8](unsafeUninitializedCapacity: row * height) { out, count in
                let src = UnsafeRawPointer(data)
                if stride == row {
                    out.baseAddress!.update(from: src.assumingMemoryBound(to: UInt8.self), count: row * height)
                } else {
                    for y in 0..<height {
                        (out.baseAddress! + y * row).update(from: (src + y * stride).assumingMemoryBound(to: UInt8.self), count: row)
                    }
                }
                count = row * height
            }
            return PixelImage(width: width, height: height, format: .xrgb8888, bytes: bytes)
        }
        var out = [UInt8](repeating: 255, count: row * height)
        // B, G, R: the channels' byte positions in an xrgb8888 pixel.
        let masks = [(im.blue_mask, 0), (im.green_mask, 1), (im.red_mask, 2)].map { (UInt($0.0), $0.1) }
        for y in 0..<height {
            for x in 0..<width {
                let pixel = UInt(im.f.get_pixel(image, Int32(x), Int32(y)))
                let o = y * row + x * 4
                for (mask, c) in masks where mask != 0 {
                    let shift = mask.trailingZeroBitCount
                    let maximum = mask >> shift
                    out[o + c] = UInt8(((pixel & mask) >> shift) * 255 / maximum)
                }
            }
        }
        return PixelImage(width: width, height: height, format: .xrgb8888, bytes: out)
    }
}
