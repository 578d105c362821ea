import InputMuxImage

/// Images the image tests share, built from a seed so that every run sees the same.
enum TestImages {
    /// A small deterministic generator (SplitMix64).
    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Every byte random, the fourth of each pixel and any row padding included: a format
    /// conversion that reads the wrong byte, or the padding, shows.
    static func noise(_ w: Int, _ h: Int, stride: Int? = nil, format: PixelFormat, seed: UInt64 = 1) -> PixelImage {
        var g = Seeded(state: seed)
        let s = stride ?? w * 4
        return PixelImage(width: w, height: h, stride: s, format: format, bytes: (0..<(s * h)).map { _ in g.byte() })
    }

    /// Bytes of one pixel of 0xRRGGBB in `format`, with `fourth` as its fourth byte.
    static func pixel(_ rgb: UInt32, _ format: PixelFormat, fourth: UInt8 = 255) -> [UInt8] {
        let r = UInt8(rgb >> 16 & 255), g = UInt8(rgb >> 8 & 255), b = UInt8(rgb & 255)
        return format == .xrgb8888 ? [b, g, r, fourth] : [r, g, b, fourth]
    }

    /// An image whose columns (or rows, `vertical: false`) fall into bands: the band of
    /// `widths[i]` pixels has `colours[i]`.
    static func bands(widths: [Int], across other: Int, colours: [UInt32], vertical: Bool = true,
                      format: PixelFormat = .xrgb8888) -> PixelImage {
        let length = widths.reduce(0, +)
        var colourAt: [UInt32] = []
        for (w, c) in zip(widths, colours) { colourAt += Array(repeating: c, count: w) }
        let (w, h) = vertical ? (length, other) : (other, length)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(w * h * 4)
        for y in 0..<h { for x in 0..<w { bytes += pixel(colourAt[vertical ? x : y], format, fourth: 7) } }
        return PixelImage(width: w, height: h, format: format, bytes: bytes)
    }

    /// A screenshot-like opaque image: a title bar, a side panel, flat buttons, and rows
    /// of 7x13 "glyphs" of dark strokes with grey anti-aliasing, in B,G,R,X.
    static func screenshotLike(_ w: Int = 1280, _ h: Int = 800) -> PixelImage {
        var g = Seeded(state: 12345)
        var p = [UInt8](repeating: 0, count: w * h * 4)
        func put(_ x: Int, _ y: Int, _ r: UInt8, _ gg: UInt8, _ b: UInt8) {
            let i = (y * w + x) * 4
            p[i] = b; p[i + 1] = gg; p[i + 2] = r; p[i + 3] = 255
        }
        for y in 0..<h {
            for x in 0..<w {
                if y < 30 { let v = UInt8(60 + y); put(x, y, v, v, v) }
                else if x < 220 { put(x, y, 235, 238, 242) }
                else { put(x, y, 250, 250, 250) }
            }
        }
        for i in 0..<12 {
            let bx = 240 + (i % 6) * 170, by = 60 + (i / 6) * 40
            if bx >= w || by >= h { continue }
            for y in by..<min(h, by + 28) { for x in bx..<min(w, bx + 150) { put(x, y, UInt8(30 + i * 10), 120, UInt8(200 - i * 5)) } }
        }
        for line in 0..<40 {
            let ty = 150 + line * 16
            if ty + 13 >= h { break }
            let x0 = line % 3 == 0 ? 10 : 240
            var len = 20 + g.below(110)
            if x0 == 10 { len = min(len, 28) }
            if x0 >= w { continue }
            for c in 0..<len {
                let gx = x0 + c * 7
                if gx + 7 >= w { break }
                if g.below(7) == 0 { continue }
                let bits = g.next()
                for yy in 2..<12 { for xx in 1..<6 where bits >> UInt64((yy * 5 + xx) % 60) & 1 == 1 {
                    let v: UInt8 = g.below(4) == 0 ? 140 : 20
                    put(gx + xx, ty + yy, v, v, v)
                } }
            }
        }
        return PixelImage(width: w, height: h, format: .xrgb8888, bytes: p)
    }
}
