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
