import InputMuxImage
import Testing

@Suite struct ImageScalerTests {
    static let colours: [UInt32] = [0xE0_20_30, 0x20_C0_40, 0x30_40_F0]

    /// Whether output pixel `i` (of `outLength`) lies more than one output pixel from
    /// every band boundary, and if so which band its centre samples.
    static func band(of i: Int, outLength: Int, widths: [Int]) -> Int? {
        let length = widths.reduce(0, +)
        let scale = Double(length) / Double(outLength)
        var edges: [Int] = []
        var sum = 0
        for w in widths.dropLast() { sum += w; edges.append(sum) }
        let centre = Double(i) + 0.5
        for e in edges where abs(centre - Double(e) / scale) <= 1 { return nil }
        let source = centre * scale
        var start = 0
        for (k, w) in widths.enumerated() { if source < Double(start + w) { return k }; start += w }
        return widths.count - 1
    }

    /// Three solid bands scaled by factors on both sides of 1 and 2, odd ones too
    /// (bilinear, box, and `.automatic`, which halves first past 2x, alike): every output
    /// pixel more than one pixel from a boundary has its band's exact colour, and every
    /// pixel's alpha is 255 (the source's fourth byte is 7).
    @Test(arguments: [(120, 80), (120, 60), (120, 48), (120, 40), (120, 30), (121, 37), (119, 25), (301, 29), (120, 150), (120, 240), (120, 97)])
    func solidBandsStayExactAwayFromTheirEdges(length: Int, out: Int) throws {
        let widths = [length / 3 + 5, length / 3 - 10, length - 2 * (length / 3) + 5]
        for vertical in [true, false] {
            for filter in [ScaleFilter.automatic, .bilinear, .box] {
                let image = TestImages.bands(widths: widths, across: 24, colours: Self.colours, vertical: vertical)
                let (w, h) = vertical ? (out, 16) : (16, out)
                let scaled = try ImageScaler.scale(image, width: w, height: h, filter: filter)
                #expect(scaled.width == w && scaled.height == h && scaled.format == .rgba8888 && scaled.stride == w * 4)
                #expect(scaled.bytes.count == w * h * 4)
                var wrong = 0
                for y in 0..<h { for x in 0..<w {
                    #expect(scaled.bytes[(y * w + x) * 4 + 3] == 255)
                    guard let b = Self.band(of: vertical ? x : y, outLength: out, widths: widths) else { continue }
                    if scaled.rgb(x: x, y: y) != Self.colours[b] { wrong += 1 }
                } }
                #expect(wrong == 0, "\(filter) \(length)->\(out) vertical \(vertical): \(wrong) pixels off their band's colour")
            }
        }
    }

    /// The same size is a conversion, exact pixel for pixel, whatever the input's padding
    /// and fourth byte: X,R,G,B to R,G,B,A, R,G,B,A to B,G,R,X, and R,G,B,A to itself.
    @Test func sameSizeConvertsExactlyWithAlpha255() throws {
        for (from, to) in [(PixelFormat.xrgb8888, PixelFormat.rgba8888), (.rgba8888, .xrgb8888), (.rgba8888, .rgba8888), (.xrgb8888, .xrgb8888)] {
            let image = TestImages.noise(33, 17, stride: 33 * 4 + 12, format: from, seed: 9)
            let out = try ImageScaler.scale(image, width: 33, height: 17, to: to)
            #expect(out.format == to && out.stride == 33 * 4 && out.bytes.count == 33 * 17 * 4)
            for y in 0..<17 { for x in 0..<33 {
                #expect(out.rgb(x: x, y: y) == image.rgb(x: x, y: y), "\(from)->\(to) at \(x),\(y)")
                #expect(out.bytes[(y * 33 + x) * 4 + 3] == 255)
            } }
        }
    }

    /// A 4x shrink of 1-pixel black and white lines averages them (grey), where bilinear
    /// sampling alone would pick whole lines out; `.automatic` halves twice there.
    @Test func aLargeShrinkAveragesThinLines() throws {
        var bytes: [UInt8] = []
        for _ in 0..<64 { for x in 0..<256 { bytes += x % 4 == 0 ? [0, 0, 0, 0] : [255, 255, 255, 0] } }
        let lines = PixelImage(width: 256, height: 64, format: .xrgb8888, bytes: bytes)
        let out = try ImageScaler.scale(lines, width: 64, height: 16)
        for x in 2..<62 {
            let v = Int(out.bytes[(8 * 64 + x) * 4])
            #expect(abs(v - 191) <= 2, "column \(x) is \(v), not the average of one black and three white")
        }
    }

    @Test func badSizesAndStridesAreTypedErrors() throws {
        let image = TestImages.noise(4, 4, format: .xrgb8888)
        #expect(throws: ScaleError.badSize(width: 0, height: 3)) { try ImageScaler.scale(image, width: 0, height: 3) }
        #expect(throws: ScaleError.badSize(width: 5, height: 40_000)) { try ImageScaler.scale(image, width: 5, height: 40_000) }
        let odd = PixelImage(width: 2, height: 2, stride: 10, format: .xrgb8888, bytes: [UInt8](repeating: 0, count: 20))
        #expect(throws: ScaleError.unalignedStride(10)) { try ImageScaler.scale(odd, width: 1, height: 1) }
        #expect(ScaleError.unalignedStride(10).description.contains("multiple of 4"))
    }

    // MARK: - cursor

    /// A 6x5 cursor, premultiplied B,G,R,A: opaque red except a half-transparent white
    /// pixel at (1,1) and a fully transparent column x = 5.
    static func cursor() -> PixelImage {
        var bytes: [UInt8] = []
        for y in 0..<5 { for x in 0..<6 {
            if x == 5 { bytes += [0, 0, 0, 0] }
            else if x == 1 && y == 1 { bytes += [128, 128, 128, 128] }
            else { bytes += [0, 0, 255, 255] }
        } }
        return PixelImage(width: 6, height: 5, format: .xrgb8888, bytes: bytes)
    }

    static func grey(_ w: Int, _ h: Int) -> PixelImage {
        PixelImage(width: w, height: h, format: .rgba8888,
                   bytes: (0..<(w * h)).flatMap { _ in [UInt8(40), 40, 40, 255] })
    }

    @Test func theCursorLandsWhereAskedAndBlendsOver() throws {
        var image = Self.grey(20, 10)
        try ImageScaler.overlay(cursor: Self.cursor(), at: 7, y: 3, onto: &image)
        for y in 0..<10 { for x in 0..<20 {
            let (cx, cy) = (x - 7, y - 3)
            let expected: UInt32
            if cx < 0 || cy < 0 || cx >= 5 || cy >= 5 { expected = 0x28_28_28 } // outside, or the transparent column
            else if cx == 1 && cy == 1 { expected = 0x94_94_94 }                   // 128 + 40 * (255 - 128) / 255
            else { expected = 0xFF_00_00 }
            let got = image.rgb(x: x, y: y)
            if expected == 0x94_94_94 {
                #expect((Int(got & 255) - 0x94).magnitude <= 1 && got >> 16 == got & 255, "blended pixel is \(got)")
            } else {
                #expect(got == expected, "pixel \(x),\(y) is \(String(got, radix: 16))")
            }
            #expect(image.bytes[(y * 20 + x) * 4 + 3] == 255)
        } }
    }

    @Test func theCursorIsClippedAtEveryEdgeAndNothingIsDrawnWhollyOutside() throws {
        for (x, y) in [(-3, -2), (17, 8), (-5, 4), (10, -4)] {
            var image = Self.grey(20, 10)
            try ImageScaler.overlay(cursor: Self.cursor(), at: x, y: y, onto: &image)
            var red = 0
            for py in 0..<10 { for px in 0..<20 where image.rgb(x: px, y: py) == 0xFF_00_00 {
                red += 1
                let (cx, cy) = (px - x, py - y)
                #expect((0..<5).contains(cx) && (0..<5).contains(cy), "red at \(px),\(py) is not under the cursor at \(x),\(y)")
            } }
            var visible = 0
            for cy in 0..<5 { for cx in 0..<5 where !(cx == 1 && cy == 1) {
                if (0..<20).contains(x + cx) && (0..<10).contains(y + cy) { visible += 1 }
            } }
            #expect(red == visible, "at \(x),\(y): \(red) red pixels, \(visible) visible")
        }
        for (x, y) in [(-6, 0), (20, 0), (0, -5), (0, 10), (-100, -100)] {
            var image = Self.grey(20, 10)
            try ImageScaler.overlay(cursor: Self.cursor(), at: x, y: y, onto: &image)
            #expect(image == Self.grey(20, 10), "a cursor at \(x),\(y) is wholly outside")
        }
    }
}
