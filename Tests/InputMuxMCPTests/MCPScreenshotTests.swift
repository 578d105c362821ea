import Foundation
import InputMuxClient
import InputMuxClientTestSupport
import InputMuxWire
import MCP
import Testing

@testable import InputMuxMCP

@Suite("inputmux-mcp: screenshots of the lease, and coordinates in their pixels")
struct MCPScreenshotTests {
    static let region = Region(x: 960, y: 0, width: 960, height: 1080)

    /// A daemon whose captures show `region` (the MCP session's lease).
    static func handler(_ region: Region) -> @Sendable (JSON, FakeConnection) -> Void {
        { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            FakeCapture.answer(m, c, lease: region)
        }
    }

    /// The width and height in a PNG's IHDR chunk.
    static func pngSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test("screenshot returns a PNG image content of the lease fitted into the coordinate box, settled")
    func screenshotImage() async throws {
        let h = try await Harness(region: Self.region, coordinates: .scaled(width: 1280, height: 800), handler: Self.handler(Self.region))
        defer { h.stop() }
        let r = try await h.callWithImages("computer", ["action": "screenshot"])
        #expect(!r.isError, "\(r.text)")
        let image = try #require(r.images.first)
        #expect(r.images.count == 1)
        #expect(image.mimeType == "image/png")
        let bytes = [UInt8](try #require(Data(base64Encoded: image.data)))
        // 960x1080 fitted into 1280x800 keeps the aspect ratio: 711x800.
        #expect(Self.pngSize(bytes).map { [$0.0, $0.1] } == [711, 800])
        #expect(bytes == FakeCapture.png(width: 711, height: 800))
        #expect(r.text.contains("711x800") && r.text.contains("x 0–710"))
        let asked = try #require(h.daemon.received("capture").first)
        #expect(asked["lease"] == "L1" && asked["width"] == 1280 && asked["height"] == 800 && asked["settle"] == ["quiet_ms": 100, "max_ms": 2000])
        #expect(asked["delivery"] == "fd")
        #expect(h.daemon.received("gesture").isEmpty)
    }

    @Test("after a screenshot a click at an image pixel is sent as the desktop pixel it shows; before, the space is the desktop's")
    func clickMapsThroughTheTransform() async throws {
        let h = try await Harness(region: Self.region, coordinates: .scaled(width: 1280, height: 800), handler: Self.handler(Self.region))
        defer { h.stop() }
        // Before any screenshot: wxga over the whole 1920x1080 desktop.
        _ = try await h.call("computer", ["action": "left_click", "coordinate": [1000, 400]])
        _ = try await h.callWithImages("computer", ["action": "screenshot"])
        // Image 711x800 of 960,0,960x1080: scale 711/960 across, 800/1080 down.
        // x = 960 + round((355 + 0.5) / 0.740625 - 0.5) = 960 + 480; y = round(400.5 / 0.7407 - 0.5) = 540.
        _ = try await h.call("computer", ["action": "left_click", "coordinate": [355, 400]])
        _ = try await h.call("computer", ["action": "left_click", "coordinate": [0, 0]])
        _ = try await h.call("computer", ["action": "left_click", "coordinate": [710, 799]])
        let clicks = h.gestures.map { [$0["x"], $0["y"]] }
        #expect(clicks == [[1500, 540], [1440, 540], [960, 0], [1919, 1079]])
        let cursor = try await h.call("cursor_position")
        #expect(cursor.text == "X=710,Y=799")
        // OpenAI batches point at the same screenshot; drags and scroll distances too.
        _ = try await h.call("computer_actions", ["actions": [["type": "scroll", "x": 355, "y": 400, "scroll_x": 0, "scroll_y": 74]]])
        let scroll = try #require(h.gestures.last)
        #expect(scroll["x"] == 1440 && scroll["y"] == 540 && scroll["dy"] == 100)
    }

    @Test("a new lease forgets the old screenshot's transform")
    func newLeaseForgetsTheFrame() async throws {
        let h = try await Harness(region: Self.region, coordinates: .scaled(width: 1280, height: 800), handler: Self.handler(Self.region))
        defer { h.stop() }
        _ = try await h.callWithImages("computer", ["action": "screenshot"])
        _ = try await h.call("lease_release")
        _ = try await h.call("computer", ["action": "left_click", "coordinate": [1000, 400]])
        #expect(h.gestures.last.map { [$0["x"], $0["y"]] } == [1500, 540])
    }

    @Test("--screenshot-after-actions: each action ends with a screenshot, a batch with one")
    func screenshotAfterActions() async throws {
        let h = try await Harness(region: Self.region, screenshotSize: .box(width: 480, height: nil), screenshotAfterActions: true,
                                  handler: Self.handler(Self.region))
        defer { h.stop() }
        let click = try await h.callWithImages("computer", ["action": "left_click", "coordinate": [1000, 10]])
        #expect(!click.isError, "\(click.text)")
        #expect(click.images.count == 1)
        let bytes = [UInt8](try #require(Data(base64Encoded: click.images[0].data)))
        #expect(Self.pngSize(bytes).map { [$0.0, $0.1] } == [480, 540])
        let batch = try await h.callWithImages("computer_actions", ["actions": [
            ["type": "click", "x": 10, "y": 10], ["type": "type", "text": "hi"], ["type": "move", "x": 20, "y": 20],
        ]])
        #expect(batch.images.count == 1)
        #expect(h.daemon.received("capture").count == 2)
        // A read-only call takes none.
        let cursor = try await h.callWithImages("cursor_position")
        #expect(cursor.images.isEmpty)
        // A batch ending in its own screenshot takes no second one.
        let own = try await h.callWithImages("computer_actions", ["actions": [["type": "move", "x": 1, "y": 1], ["type": "screenshot"]]])
        #expect(own.images.count == 1)
        #expect(h.daemon.received("capture").count == 3)
    }

    @Test("a refused capture is a tool error with the daemon's reason and what to do")
    func refusedCapture() async throws {
        let h = try await Harness(region: Self.region) { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            c.fail(m, "capture_needs_approval", "capture refused: 960,0,960x1080 shows the sensitive region \"bank\"; an operator must run `muxctl approve L1 --capture`")
        }
        defer { h.stop() }
        let r = try await h.callWithImages("computer", ["action": "screenshot"])
        #expect(r.isError && r.images.isEmpty)
        #expect(r.text.hasPrefix("capture_needs_approval:") && r.text.contains("muxctl approve L1 --capture"))
        #expect(r.text.contains("ask the operator to run `muxctl approve L1 --capture`, then take the screenshot again"))
    }
}
