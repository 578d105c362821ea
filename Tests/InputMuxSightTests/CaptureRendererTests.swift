import Foundation
import InputMuxCore
import InputMuxImage
import InputMuxSight
import Testing

@Suite struct CaptureRendererTests {
    static let colours: [UInt32] = [0xE0_20_30, 0x20_C0_40, 0x30_40_F0]

    /// A capture as an X server gives it: B,G,R,X with a junk fourth byte, in three
    /// vertical bands of the given widths.
    static func bands(_ widths: [Int], height: Int) -> PixelImage {
        var bytes: [UInt8] = []
        for _ in 0..<height {
            for (w, c) in zip(widths, colours) {
                for _ in 0..<w { bytes += [UInt8(c & 255), UInt8(c >> 8 & 255), UInt8(c >> 16), 9] }
            }
        }
        return PixelImage(width: widths.reduce(0, +), height: height, format: .xrgb8888, bytes: bytes)
    }

    static func rgb(_ raw: [UInt8], width: Int, x: Int, y: Int) -> UInt32 {
        let i = (y * width + x) * 4
        return UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2])
    }

    /// Raw is packed R,G,B,A with alpha 255; PNG decodes to the very same pixels; both at
    /// 1:1 and scaled; band interiors keep their exact colours when scaled.
    @Test func rawAndPNGAgreeAndBandsStayExact() throws {
        let widths = [100, 120, 80]
        let pixels = Self.bands(widths, height: 90)
        let rect = Region(x: 700, y: 40, width: 300, height: 90)
        for box in [nil, (maxWidth: 200, maxHeight: 200), (maxWidth: 90, maxHeight: 90)] as [(maxWidth: Int, maxHeight: Int)?] {
            let raw = try CaptureRenderer.render(pixels: pixels, rect: rect, box: box, format: .raw)
            let t = raw.transform
            #expect(t.rect == rect && raw.format == .raw && raw.bytes.count == t.width * t.height * 4)
            #expect(stride(from: 3, to: raw.bytes.count, by: 4).allSatisfy { raw.bytes[$0] == 255 })
            let png = try CaptureRenderer.render(pixels: pixels, rect: rect, box: box, format: .png)
            let decoded = try PNGCodec.decode(png.bytes)
            #expect(decoded.width == t.width && decoded.height == t.height && png.transform == t)
            #expect(decoded.rgba == raw.bytes, "PNG is lossless: it decodes to the raw pixels")
            let scale = t.scaleX
            for x in 0..<t.width {
                let centre = Double(x) + 0.5
                if abs(centre - 100 * scale) <= 1 || abs(centre - 220 * scale) <= 1 { continue }
                let band = centre / scale < 100 ? 0 : centre / scale < 220 ? 1 : 2
                for y in [0, t.height / 2, t.height - 1] {
                    #expect(Self.rgb(raw.bytes, width: t.width, x: x, y: y) == Self.colours[band], "\(t) at \(x),\(y)")
                }
            }
        }
    }

    @Test func jpegIsCloseAndItsQualityIsChecked() throws {
        let pixels = Self.bands([40, 40, 40], height: 64)
        let rect = Region(x: 0, y: 0, width: 120, height: 64)
        let jpeg = try CaptureRenderer.render(pixels: pixels, rect: rect, box: nil, format: .jpeg, quality: 85)
        let back = try JPEGCodec.decode(jpeg.bytes)
        #expect(back.width == 120 && back.height == 64)
        // Away from the band edges, where 8x8 blocks ring, the colours hold within a few levels.
        for y in [4, 32, 60] { for x in [10, 60, 110] {
            let a = back.rgb(x: x, y: y), b = pixels.rgb(x: x, y: y)
            for s in [0, 8, 16] as [UInt32] { #expect(abs(Int(a >> s & 255) - Int(b >> s & 255)) <= 6, "at \(x),\(y)") }
        } }
        for q in [0, 101] {
            #expect(throws: RenderError.badQuality(q)) { try CaptureRenderer.render(pixels: pixels, rect: rect, box: nil, format: .jpeg, quality: q) }
        }
        // Quality counts for JPEG only.
        _ = try CaptureRenderer.render(pixels: pixels, rect: rect, box: nil, format: .png, quality: 0)
    }

    @Test func pixelsOfAnotherSizeAreRefused() {
        let pixels = Self.bands([10, 10, 10], height: 10)
        let rect = Region(x: 0, y: 0, width: 31, height: 10)
        #expect(throws: RenderError.sizeMismatch(pixelsWidth: 30, pixelsHeight: 10, rect: rect)) {
            try CaptureRenderer.render(pixels: pixels, rect: rect, box: nil, format: .raw)
        }
    }

    /// The hash is the SHA-256 of exactly the bytes delivered, as `sha256sum` computes it,
    /// and matches a published test vector.
    @Test func sha256IsThatOfTheBytes() throws {
        #expect(RenderedImage(bytes: Array("abc".utf8), format: .raw,
                              transform: CaptureTransform(rect: Region(x: 0, y: 0, width: 1, height: 1), width: 1, height: 1)).sha256
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let image = try CaptureRenderer.render(pixels: Self.bands([50, 50, 50], height: 40),
                                               rect: Region(x: 0, y: 0, width: 150, height: 40), box: (100, 100), format: .png)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("inputmux-render-\(getpid()).png")
        try Data(image.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)
        #expect(image.sha256 == expected)
        #expect(image.sha256.count == 64 && image.sha256 == image.sha256.lowercased())
    }

    // MARK: - cursor

    /// A 5x5 opaque cursor, red but for its hot spot (2,2), which is blue.
    static let cursor: CursorImage = {
        var bytes: [UInt8] = []
        for y in 0..<5 { for x in 0..<5 { bytes += x == 2 && y == 2 ? [255, 0, 0, 255] : [0, 0, 255, 255] } }
        return CursorImage(image: PixelImage(width: 5, height: 5, format: .xrgb8888, bytes: bytes), hotX: 2, hotY: 2)
    }()

    static func grey(_ w: Int, _ h: Int) -> PixelImage {
        PixelImage(width: w, height: h, format: .xrgb8888, bytes: (0..<(w * h)).flatMap { _ in [UInt8(90), 90, 90, 0] })
    }

    /// The hot spot's colour lands on the image pixel the transform gives for the
    /// pointer's desktop position, at 1:1 and scaled, unscaled itself (5x5 red around it).
    @Test func theHotSpotLandsOnItsImagePixel() throws {
        let rect = Region(x: 50, y: 60, width: 200, height: 100)
        for box in [nil, (maxWidth: 100, maxHeight: 100), (maxWidth: 300, maxHeight: 300)] as [(maxWidth: Int, maxHeight: Int)?] {
            for hot in [Point(x: 150, y: 110), Point(x: 51, y: 158), Point(x: 237, y: 61)] {
                let image = try CaptureRenderer.render(pixels: Self.grey(200, 100), rect: rect, box: box, format: .raw,
                                                       cursor: (Self.cursor, hot))
                let t = image.transform
                let p = t.toImage(desktop: hot)
                #expect(Self.rgb(image.bytes, width: t.width, x: p.x, y: p.y) == 0x00_00_FF, "\(t) hot spot \(hot) at \(p)")
                var red = 0
                for y in 0..<t.height { for x in 0..<t.width where Self.rgb(image.bytes, width: t.width, x: x, y: y) == 0xFF_00_00 {
                    red += 1
                    #expect(abs(x - p.x) <= 2 && abs(y - p.y) <= 2)
                } }
                let visible = (-2...2).flatMap { dy in (-2...2).map { dx in (dx, dy) } }.filter { d in
                    d != (0, 0) && (0..<t.width).contains(p.x + d.0) && (0..<t.height).contains(p.y + d.1)
                }.count
                #expect(red == visible, "\(t) hot spot \(hot): \(red) red pixels, \(visible) visible")
            }
        }
    }

    /// A pointer whose hot spot is outside the rectangle is not drawn, even where its
    /// image would reach in; one on the rectangle's corner is clipped there.
    @Test func aPointerOutsideTheRectIsNotDrawnAndOneOnItsEdgeIsClipped() throws {
        let rect = Region(x: 50, y: 60, width: 40, height: 30)
        let plain = try CaptureRenderer.render(pixels: Self.grey(40, 30), rect: rect, box: nil, format: .raw)
        for hot in [Point(x: 49, y: 70), Point(x: 60, y: 59), Point(x: 90, y: 89), Point(x: 1000, y: 1000)] {
            let image = try CaptureRenderer.render(pixels: Self.grey(40, 30), rect: rect, box: nil, format: .raw, cursor: (Self.cursor, hot))
            #expect(image.bytes == plain.bytes, "a hot spot at \(hot) is outside \(rect)")
            #expect(image.sha256 == plain.sha256)
        }
        let corner = try CaptureRenderer.render(pixels: Self.grey(40, 30), rect: rect, box: nil, format: .raw,
                                                cursor: (Self.cursor, Point(x: 50, y: 60)))
        #expect(Self.rgb(corner.bytes, width: 40, x: 0, y: 0) == 0x00_00_FF)
        #expect(Self.rgb(corner.bytes, width: 40, x: 2, y: 2) == 0xFF_00_00)
        #expect(Self.rgb(corner.bytes, width: 40, x: 3, y: 0) == 0x5A_5A_5A)
        #expect(corner.sha256 != plain.sha256)
    }
}
