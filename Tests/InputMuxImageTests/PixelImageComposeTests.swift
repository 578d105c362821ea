import InputMuxImage
import Testing

/// Images put together from parts (a capture across outputs, a window partly off them).
@Suite struct PixelImageComposeTests {
    @Test func partsLandWhereSaidAndTheRestIsZero() {
        let a = TestImages.noise(3, 2, stride: 3 * 4 + 8, format: .xrgb8888, seed: 1)
        let b = TestImages.noise(2, 3, stride: 2 * 4, format: .xrgb8888, seed: 2)
        let image = PixelImage.composed(width: 6, height: 4, format: .xrgb8888, parts: [(a, 0, 0), (b, 4, 1)])
        #expect(image.width == 6 && image.height == 4 && image.stride == 24)
        for y in 0..<4 { for x in 0..<6 {
            let want: UInt32 = if x < 3, y < 2 { a.rgb(x: x, y: y) } else if x >= 4, y >= 1 { b.rgb(x: x - 4, y: y - 1) } else { 0 }
            #expect(image.rgb(x: x, y: y) == want, "at \(x),\(y)")
            if !(x < 3 && y < 2) && !(x >= 4 && y >= 1) { #expect(image.bytes[y * 24 + x * 4 + 3] == 0) }
        } }
    }
}
