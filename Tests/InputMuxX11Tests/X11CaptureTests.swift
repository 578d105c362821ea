import CX11
import Glibc
import InputMuxCore
import struct InputMuxCore.Region
import InputMuxHarness
import InputMuxImage
@testable import InputMuxX11
import Testing

/// Pixels read back from a real X server (Xvfb) with real X clients' windows on it.
@Suite(.serialized) struct X11CaptureTests {
    @Test func aWindowsRectangleShowsItsOwnColourChannelForChannel() throws {
        let x = try XvfbServer(width: 1280, height: 800)
        // Red, green and blue differ in every channel, so a swapped channel shows.
        let c = try RecordingClient(display: x.display, ["red:10,20,120x80#d01020", "blue:300,40,100x60#2040f0"])
        let d = try X11Display(display: x.display, xauthority: nil)
        for (name, colour) in [("red", UInt32(0xd01020)), ("blue", 0x2040f0)] {
            let w = try #require(c.windows[name])
            let region = Region(x: Int32(w.x), y: Int32(w.y), width: Int32(w.w), height: Int32(w.h))
            let shot = try d.capture(region)
            #expect(shot.width == w.w && shot.height == w.h && shot.format == .xrgb8888)
            #expect(shot.bytes.count >= shot.stride * w.h)
            var wrong = 0
            for y in 0..<shot.height { for x in 0..<shot.width where shot.rgb(x: x, y: y) != colour { wrong += 1 } }
            #expect(wrong == 0, "\(wrong) pixels of \(name) are not 0x\(String(colour, radix: 16)); first is 0x\(String(shot.rgb(x: 0, y: 0), radix: 16))")
        }
    }

    @Test func aRectangleAcrossAWindowsEdgeShowsTheWindowAndWhatLiesBeside() throws {
        let x = try XvfbServer(width: 1280, height: 800)
        let c = try RecordingClient(display: x.display, ["green:100,100,200x100#20c040"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let w = try #require(c.windows["green"])
        // 20 columns left of the window, then 20 inside it.
        let shot = try d.capture(Region(x: Int32(w.x - 20), y: Int32(w.y), width: 40, height: 10))
        for y in 0..<10 {
            #expect((20..<40).allSatisfy { shot.rgb(x: $0, y: y) == 0x20c040 })
            #expect((0..<20).allSatisfy { shot.rgb(x: $0, y: y) != 0x20c040 })
        }
    }

    @Test func aRectangleOutsideTheScreenIsRefusedNotClipped() throws {
        let x = try XvfbServer(width: 640, height: 480)
        let d = try X11Display(display: x.display, xauthority: nil)
        let screen = Region(x: 0, y: 0, width: 640, height: 480)
        for r in [Region(x: 600, y: 400, width: 100, height: 100), Region(x: -1, y: 0, width: 10, height: 10),
                  Region(x: 10, y: 10, width: 0, height: 10)] {
            #expect(throws: X11Error.captureOutsideScreen(r, screen: screen)) { try d.capture(r) }
        }
        #expect(X11Error.captureOutsideScreen(Region(x: 600, y: 400, width: 100, height: 100), screen: screen)
            .description.contains("ask for a rectangle inside it"))
        let whole = try d.capture(screen)
        #expect(whole.width == 640 && whole.height == 480)
    }
    @Test func anImageOfAnotherLayoutIsConvertedThroughItsMasks() throws {
        let x = try XvfbServer(width: 64, height: 64)
        let d = try X11Display(display: x.display, xauthority: nil)
        // A 16-bit 5-6-5 visual, as a server at depth 16 has.
        var visual = Visual()
        visual.red_mask = 0xf800; visual.green_mask = 0x07e0; visual.blue_mask = 0x001f
        visual.bits_per_rgb = 6
        let data = malloc(4 * 2 * 2)!.assumingMemoryBound(to: CChar.self)
        let image = try #require(XCreateImage(d.display, &visual, 16, ZPixmap, 0, data, 2, 2, 32, 0))
        defer { _ = image.pointee.f.destroy_image(image) }
        #expect(image.pointee.bits_per_pixel == 16)
        for (i, p) in [0xf800, 0x07e0, 0x001f, 0x8410].enumerated() {
            _ = image.pointee.f.put_pixel(image, Int32(i % 2), Int32(i / 2), UInt(p))
        }
        let pixels = X11Display.pixels(image)
        #expect(pixels.format == .xrgb8888 && pixels.width == 2 && pixels.height == 2)
        #expect(pixels.rgb(x: 0, y: 0) == 0xff0000)
        #expect(pixels.rgb(x: 1, y: 0) == 0x00ff00)
        #expect(pixels.rgb(x: 0, y: 1) == 0x0000ff)
        // 16/31, 32/63, 16/31 of full scale.
        #expect(pixels.rgb(x: 1, y: 1) == 0x838183)
    }
}
