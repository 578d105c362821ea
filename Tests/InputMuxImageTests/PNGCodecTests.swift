import InputMuxImage
import Testing

@Suite struct PNGCodecTests {
    /// A gradient with a different value in every channel of every pixel, so that a
    /// swapped channel, a lost row or a cut alpha shows.
    static func gradient(_ w: Int, _ h: Int) -> [UInt8] {
        var p: [UInt8] = []
        for y in 0..<h { for x in 0..<w { p += [UInt8(x & 255), UInt8(y & 255), UInt8((x + 2 * y) & 255), UInt8(255 - (x & 127))] } }
        return p
    }

    @Test func anImageComesBackPixelForPixel() throws {
        let rgba = Self.gradient(37, 23)
        let png = try PNGCodec.encode(rgba: rgba, width: 37, height: 23)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        let back = try PNGCodec.decode(png)
        #expect(back.width == 37 && back.height == 23)
        #expect(back.rgba == rgba)
    }

    @Test func aFlatImageCompresses() throws {
        let rgba = [UInt8](repeating: 200, count: 640 * 480 * 4)
        let png = try PNGCodec.encode(rgba: rgba, width: 640, height: 480)
        #expect(png.count < rgba.count / 100, "\(png.count) bytes for a flat 640x480")
        #expect(try PNGCodec.decode(png).rgba == rgba)
    }

    @Test func badInputIsATypedErrorThatSaysWhatToDo() throws {
        #expect(throws: PNGError.sizeMismatch(width: 2, height: 2, bytes: 15)) {
            try PNGCodec.encode(rgba: [UInt8](repeating: 0, count: 15), width: 2, height: 2)
        }
        #expect(throws: PNGError.badDimensions(width: 0, height: 5)) { try PNGCodec.encode(rgba: [], width: 0, height: 5) }
        // A row wider than libpng's Int32 byte count is refused, not trapped on.
        #expect(throws: PNGError.badDimensions(width: 1 << 29, height: 1)) { try PNGCodec.encode(rgba: [], width: 1 << 29, height: 1) }
        #expect(PNGError.sizeMismatch(width: 2, height: 2, bytes: 15).description.contains("needs 16 bytes"))
        do {
            _ = try PNGCodec.decode(Array("not a png at all".utf8))
            Issue.record("decoding text should fail")
        } catch {
            guard case .libpng(let m) = error else { Issue.record("\(error)"); return }
            #expect(!m.isEmpty)
        }
    }
}

/// The fast opaque writer: RGB out, exact back, from either pixel layout.
@Suite struct PNGOpaqueTests {
    @Test func anOpaqueImageComesBackPixelForPixelFromEitherLayout() throws {
        for format in [PixelFormat.xrgb8888, .rgba8888] {
            let image = TestImages.noise(41, 29, stride: 41 * 4 + 8, format: format, seed: 3)
            let png = try PNGCodec.encodeOpaque(image)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
            // IHDR's colour type (byte 25) is 2: RGB, no alpha channel written.
            #expect(png[25] == 2)
            let back = try PNGCodec.decode(png)
            #expect(back.width == 41 && back.height == 29)
            for y in 0..<29 { for x in 0..<41 {
                let i = (y * 41 + x) * 4
                let rgb = UInt32(back.rgba[i]) << 16 | UInt32(back.rgba[i + 1]) << 8 | UInt32(back.rgba[i + 2])
                #expect(rgb == image.rgb(x: x, y: y) && back.rgba[i + 3] == 255, "\(format) at \(x),\(y)")
            } }
        }
    }

    @Test func aScreenshotCompressesAndEveryLevelReadsBack() throws {
        let shot = TestImages.screenshotLike(320, 200)
        for level in [0, 1, 2, 6, 9] {
            let png = try PNGCodec.encodeOpaque(shot, level: level)
            if level > 0 { #expect(png.count < 320 * 200 * 3 / 4, "level \(level): \(png.count) bytes") }
            let back = try PNGCodec.decode(png)
            #expect(back.rgba == (try ImageScaler.scale(shot, width: 320, height: 200, to: .rgba8888)).bytes)
        }
    }

    @Test func anImageDeflatedInPartsReadsBackAsOneStream() throws {
        // Odd heights, parts of unequal rows, either layout, a screenshot and noise (which
        // deflate stores): libpng's reader checks the stream, its Adler-32 and every row.
        for (image, name) in [(TestImages.screenshotLike(333, 257), "screenshot"),
                              (TestImages.noise(97, 131, stride: 97 * 4 + 12, format: .rgba8888, seed: 9), "noise")] {
            let want = try ImageScaler.scale(image, width: image.width, height: image.height, to: .rgba8888).bytes
            let whole = try PNGCodec.encodeOpaque(image, level: 2, parts: 1)
            for parts in [1, 2, 3, 7, 100] {
                for level in [0, 1, 2, 6] {
                    let png = try PNGCodec.encodeOpaque(image, level: level, parts: parts)
                    let back = try PNGCodec.decode(png)
                    #expect(back.width == image.width && back.height == image.height && back.rgba == want,
                            "\(name) in \(parts) parts at level \(level)")
                }
            }
            // Parts cost little in size: each starts without the previous one's window.
            let split = try PNGCodec.encodeOpaque(image, level: 2, parts: 3)
            #expect(split.count <= whole.count + whole.count / 10 + 64, "\(name): \(split.count) against \(whole.count)")
        }
    }

    @Test func aShortImageInManyPartsReadsBack() throws {
        let image = TestImages.noise(5, 10, stride: 20, format: .xrgb8888, seed: 4)
        let want = try ImageScaler.scale(image, width: 5, height: 10, to: .rgba8888).bytes
        for parts in [7, 9, 10, 11] { #expect(try PNGCodec.decode(try PNGCodec.encodeOpaque(image, level: 1, parts: parts)).rgba == want) }
    }

    @Test func tallImagesAreSplitOnePartPerProcessor() {
        #expect(PNGCodec.partCount(height: 800, processors: 2) == 2)
        #expect(PNGCodec.partCount(height: 800, processors: 64) == 800 / PNGCodec.minimumPartRows)
        #expect(PNGCodec.partCount(height: 4000, processors: 64) == PNGCodec.maximumParts)
        #expect(PNGCodec.partCount(height: 200, processors: 4) == 1)
        #expect(PNGCodec.partCount(height: 1, processors: 4) == 1)
        #expect(PNGCodec.partCount(height: 800, processors: 1) == 1)
    }

    @Test func badDimensionsAreTypedErrors() throws {
        let empty = PixelImage(width: 0, height: 3, format: .xrgb8888, bytes: [])
        #expect(throws: PNGError.badDimensions(width: 0, height: 3)) { try PNGCodec.encodeOpaque(empty) }
    }
}
