import Foundation
import InputMuxCore
import InputMuxImage
import InputMuxSight
import Testing

/// Figures for the render path, printed: run with `INPUTMUX_BENCH=1 swift test --filter
/// CaptureRenderBenchmark` (release: `-c release`). Off by default: they take seconds and
/// their times say nothing on a busy machine; the assertions only check the outputs.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["INPUTMUX_BENCH"] != nil))
struct CaptureRenderBenchmarkTests {
    #if DEBUG
    static let build = "debug"
    #else
    static let build = "release"
    #endif

    /// A 1920x1080 desktop in B,G,R,X: panels, a title bar, buttons and lines of small
    /// two-level "glyphs" on white, from a fixed seed.
    static let desktop: PixelImage = {
        let w = 1920, h = 1080
        var p = [UInt8](repeating: 0, count: w * h * 4)
        var s: UInt64 = 0x1234_5678
        func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s >> 33 }
        func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            for y in y0..<min(y1, h) { for x in x0..<min(x1, w) { let i = (y * w + x) * 4; p[i] = b; p[i + 1] = g; p[i + 2] = r } }
        }
        fill(0, 0, w, h, 250, 250, 250)
        fill(0, 0, w, 32, 60, 64, 70)
        fill(0, 32, 260, h, 235, 238, 242)
        for i in 0..<16 { fill(300 + (i % 8) * 200, 60 + (i / 8) * 44, 480 + (i % 8) * 200, 90 + (i / 8) * 44, UInt8(30 + i * 9), 120, UInt8(200 - i * 6)) }
        for line in 0..<55 {
            let ty = 160 + line * 16, x0 = line % 3 == 0 ? 12 : 300
            let count = line % 3 == 0 ? 30 : 40 + Int(next() % 180)
            for c in 0..<count where next() % 7 != 0 {
                let bits = next() | next() << 31
                for yy in 2..<12 { for xx in 1..<6 where bits >> UInt64((yy * 5 + xx) % 62) & 1 == 1 {
                    let v: UInt8 = next() % 4 == 0 ? 140 : 20
                    fill(x0 + c * 7 + xx, ty + yy, x0 + c * 7 + xx + 1, ty + yy + 1, v, v, v)
                } }
            }
        }
        return PixelImage(width: w, height: h, format: .xrgb8888, bytes: p)
    }()

    static func crop(_ image: PixelImage, _ r: Region) -> PixelImage {
        var out: [UInt8] = []
        for y in Int(r.y)..<Int(r.y + r.height) { out += image.bytes[(y * image.stride + Int(r.x) * 4)..<(y * image.stride + Int(r.x + r.width) * 4)] }
        return PixelImage(width: Int(r.width), height: Int(r.height), format: image.format, bytes: out)
    }

    /// The median of `runs` timings of `body`, in milliseconds.
    static func median(_ runs: Int = 15, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try body()
            let d = ContinuousClock.now - start
            times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        return times.sorted()[runs / 2]
    }

    static func report(_ name: String, _ ms: Double, _ extra: String = "") {
        let padded = name.count < 52 ? name + String(repeating: " ", count: 52 - name.count) : name
        print("[\(build)] \(padded) \(String(format: "%8.2f", ms)) ms  \(extra)")
    }

    @Test func scalingFilters() throws {
        for filter in [ScaleFilter.bilinear, .box, .lanczos3] {
            for format in [PixelFormat.xrgb8888, .rgba8888] {
                var out: PixelImage?
                let ms = try Self.median(filter == .lanczos3 ? 3 : 15) { out = try ImageScaler.scale(Self.desktop, width: 1280, height: 720, to: format, filter: filter) }
                #expect(out?.width == 1280)
                Self.report("scale 1920x1080->1280x720 \(filter) to \(format)", ms)
            }
        }
        let ms = try Self.median { _ = try ImageScaler.scale(Self.desktop, width: 1920, height: 1080, to: .rgba8888) }
        Self.report("convert 1920x1080 xrgb8888->rgba8888", ms)
    }

    @Test func pngLevels() throws {
        let lease = Self.crop(Self.desktop, Region(x: 0, y: 0, width: 1280, height: 800))
        let rgba = try ImageScaler.scale(lease, width: 1280, height: 800, to: .rgba8888)
        var size = 0
        var ms = try Self.median(5) { size = try PNGCodec.encode(rgba: rgba.bytes, width: 1280, height: 800).count }
        Self.report("PNG 1280x800 simplified API (level 6, RGBA)", ms, "\(size) bytes")
        for level in [1, 2, 3, 6] {
            ms = try Self.median { size = try PNGCodec.encodeOpaque(lease, level: level).count }
            Self.report("PNG 1280x800 encodeOpaque level \(level)", ms, "\(size) bytes")
        }
    }

    @Test func renders() throws {
        let full = Region(x: 0, y: 0, width: 1920, height: 1080)
        var ms = try Self.median(31) { _ = try CaptureRenderer.render(pixels: Self.desktop, rect: full, box: nil, format: .raw) }
        Self.report("render raw 1920x1080 1:1 (convert + SHA-256)", ms, String(format: "%.0f/s", 1000 / ms))
        let bytes = Self.desktop.bytes
        ms = Self.median(31) { _ = RenderedImage(bytes: bytes, format: .raw, transform: CaptureTransform(rect: full, width: 1920, height: 1080)) }
        Self.report("  of which SHA-256 of 8.3 MB", ms)
        let leaseRect = Region(x: 320, y: 140, width: 1280, height: 800)
        let lease = Self.crop(Self.desktop, leaseRect)
        var size = 0
        ms = try Self.median { size = try CaptureRenderer.render(pixels: lease, rect: leaseRect, box: nil, format: .png).bytes.count }
        Self.report("render PNG 1280x800 lease 1:1", ms, "\(size) bytes")
        ms = try Self.median { size = try CaptureRenderer.render(pixels: Self.desktop, rect: full, box: (1280, 800), format: .png).bytes.count }
        Self.report("render PNG 1920x1080 -> 1280x720", ms, "\(size) bytes")
        ms = try Self.median { size = try CaptureRenderer.render(pixels: lease, rect: leaseRect, box: nil, format: .jpeg, quality: 80).bytes.count }
        Self.report("render JPEG q80 1280x800 lease 1:1", ms, "\(size) bytes")
        ms = try Self.median { size = try CaptureRenderer.render(pixels: Self.desktop, rect: full, box: (1280, 800), format: .jpeg, quality: 80).bytes.count }
        Self.report("render JPEG q80 1920x1080 -> 1280x720", ms, "\(size) bytes")
        #expect(size > 0)
    }
}
