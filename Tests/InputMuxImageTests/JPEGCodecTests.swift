import InputMuxImage
import Testing

@Suite struct JPEGCodecTests {
    static func meanAbsoluteError(_ a: PixelImage, _ b: PixelImage) -> Double {
        var total = 0
        for y in 0..<a.height { for x in 0..<a.width {
            let p = a.rgb(x: x, y: y), q = b.rgb(x: x, y: y)
            for shift in [0, 8, 16] { total += abs(Int(p >> UInt32(shift) & 255) - Int(q >> UInt32(shift) & 255)) }
        } }
        return Double(total) / Double(a.width * a.height * 3)
    }

    /// Both input layouts come back close at high and middling quality, the higher
    /// closer, with alpha 255; the file starts with the JPEG SOI marker.
    @Test func aScreenshotComesBackClose() throws {
        let shot = TestImages.screenshotLike(320, 200)
        let rgba = try ImageScaler.scale(shot, width: 320, height: 200, to: .rgba8888)
        for image in [shot, rgba] {
            var errors: [Double] = []
            for quality in [95, 75] {
                let jpeg = try JPEGCodec.encode(image, quality: quality)
                #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
                let back = try JPEGCodec.decode(jpeg)
                #expect(back.width == 320 && back.height == 200 && back.format == .rgba8888)
                #expect(stride(from: 3, to: back.bytes.count, by: 4).allSatisfy { back.bytes[$0] == 255 })
                errors.append(Self.meanAbsoluteError(image, back))
            }
            #expect(errors[0] < 2.0 && errors[1] < 4.0 && errors[0] < errors[1], "mean absolute errors \(errors)")
        }
    }

    @Test func aLowerQualityIsASmallerFile() throws {
        let shot = TestImages.screenshotLike(320, 200)
        let sizes = try [100, 90, 50, 1].map { try JPEGCodec.encode(shot, quality: $0).count }
        #expect(sizes == sizes.sorted(by: >) && Set(sizes).count == 4, "\(sizes)")
    }

    @Test func qualityOutOfRangeAndBadDataAreTypedErrors() throws {
        let image = TestImages.noise(8, 8, format: .xrgb8888)
        for q in [0, 101, -5] {
            #expect(throws: JPEGError.badQuality(q)) { try JPEGCodec.encode(image, quality: q) }
        }
        #expect(JPEGError.badQuality(0).description.contains("1 (smallest) to 100"))
        do {
            _ = try JPEGCodec.decode(Array("not a jpeg".utf8))
            Issue.record("decoding text should fail")
        } catch {
            guard case .turbojpeg(let m) = error else { Issue.record("\(error)"); return }
            #expect(!m.isEmpty)
        }
    }
}
