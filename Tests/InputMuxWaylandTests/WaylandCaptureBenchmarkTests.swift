import Foundation
import Glibc
import InputMuxCore
import struct InputMuxCore.Region
import InputMuxHarness
import InputMuxImage
import InputMuxSight
@testable import InputMuxWayland
import Testing

/// A 1280x800 rectangle to PNG: this source and the project's renderer against `grim -g`
/// of the same rectangle, 20 runs each, one run of sway. Prints the table; asserts only
/// that both made the picture of the asked size.
@Suite(.serialized) struct WaylandCaptureBenchmarkTests {
    static func p50(_ d: [Duration]) -> Double {
        let ms = d.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        return ms[ms.count / 2]
    }

    @Test func a1280x800PNGAgainstGrim() throws {
        let sway = try SwayServer(rules: [WaylandCaptureSourceTests.rule("red")])
        try sway.client("foot", ["-a", "red", "-o", "colors.background=ff0000", "sleep", "600"])
        try WaylandCaptureSourceTests.place(sway, "red", WaylandCaptureSourceTests.red)
        let source = try WaylandCaptureSource(socket: sway.socket)
        guard let grim = HarnessFiles.which("grim") else { throw HarnessError("grim is missing: run bash scripts/deps.sh") }
        let rect = Region(x: 0, y: 0, width: 1280, height: 800)
        let runs = 20
        var ours: [Duration] = [], copies: [Duration] = [], theirs: [Duration] = []
        var bytes = 0
        let clock = ContinuousClock()
        for _ in 0..<runs {
            var png: [UInt8] = []
            var copied = Duration.zero
            let t = clock.measure {
                let c0 = clock.now
                let pixels = try? source.capture(.screen(rect))
                copied = clock.now - c0
                if let pixels, let image = try? CaptureRenderer.render(pixels: pixels, rect: rect, box: nil, format: .png) {
                    png = image.bytes
                }
            }
            #expect(!png.isEmpty)
            bytes = png.count
            ours.append(t); copies.append(copied)
        }
        let out = sway.directory + "/bench.png"
        for _ in 0..<runs {
            let t = try clock.measure {
                let (end, _) = try ChildProcess.run(grim, ["-g", "0,0 1280x800", out],
                                                    environment: ["WAYLAND_DISPLAY": sway.socket, "XDG_RUNTIME_DIR": sway.runtime])
                #expect(end.isSuccess)
            }
            theirs.append(t)
        }
        let decoded = try PNGCodec.decode(readAll(out))
        #expect(decoded.width == 1280 && decoded.height == 800)
        let (a, c, g) = (Self.p50(ours), Self.p50(copies), Self.p50(theirs))
        print("""
        | 1280x800 to PNG, headless sway (pixman), p50 of \(runs) | ms |
        | --- | --- |
        | WaylandCaptureSource + CaptureRenderer (PNG, \(bytes) bytes) | \(String(format: "%.1f", a)) |
        |   of which the screencopy into shared memory | \(String(format: "%.1f", c)) |
        | grim -g "0,0 1280x800" (process, copy, PNG) | \(String(format: "%.1f", g)) (\(String(format: "%.1f", g / a))x) |
        """)
    }
}
