import Crypto
import Foundation
import Glibc
import InputMuxHarness
import InputMuxImage
import InputMuxSystem
import Testing

/// Sight through the real inputmuxd (XTest mode) on Xvfb with real X clients: each agent
/// sees its lease and nothing else, at every scale; a window lease shows its window even
/// when covered; the transform maps image pixels back to where a click lands; settling
/// waits for the app's repaint; refusals; and the audit keeps the image's hash.
@Suite(.serialized) struct DaemonCaptureTests {
    static let colours: [String: UInt32] = ["a": 0xE03020, "b": 0x20C040, "c": 0x3050E0]

    /// Decodes a capture reply's image (inline base64, or the memfd that came with it).
    static func image(_ reply: [String: Any], from agent: WireClient) throws -> (result: [String: Any], bytes: [UInt8]) {
        guard reply.ok, let r = reply["result"] as? [String: Any] else { throw X11TestFailure("capture refused: \(reply)") }
        if r["fd"] as? Bool == true {
            guard !agent.connection.descriptors.isEmpty else { throw X11TestFailure("a fd reply came without a descriptor") }
            let fd = agent.connection.descriptors.removeFirst()
            defer { try? fd.close() }
            return (r, try SealedMemory.read(fd))
        }
        guard let b64 = r["data"] as? String, let data = Data(base64Encoded: b64) else { throw X11TestFailure("no data: \(r.keys)") }
        return (r, [UInt8](data))
    }

    static func png(_ bytes: [UInt8]) throws -> (width: Int, height: Int, rgba: [UInt8]) { try PNGCodec.decode(bytes) }

    static func rgb(_ rgba: [UInt8], _ width: Int, _ x: Int, _ y: Int) -> UInt32 {
        let i = (y * width + x) * 4
        return UInt32(rgba[i]) << 16 | UInt32(rgba[i + 1]) << 8 | UInt32(rgba[i + 2])
    }

    static func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    @Test func eachAgentSeesOnlyItsOwnRegionAtEveryScale() throws {
        let x = try XvfbServer(width: 1920, height: 1080)
        // Three windows filling three agents' regions exactly, in distinct colours.
        let specs = ["a:0,0,640x1080#E03020", "b:640,0,640x1080#20C040", "c:1280,0,640x1080#3050E0"]
        let client = try RecordingClient(display: x.display, specs)
        _ = client
        let mux = try MuxDaemon(display: x.display)
        for (name, left) in [("a", 0), ("b", 640), ("c", 1280)] {
            let agent = try WireClient(socket: mux.agentSocket, name: "agent-\(name)")
            let lease = try agent.request(["type": "acquire", "region": "\(left),0,640x1080"])
            #expect(lease.ok, "\(lease)")
            // 1:1, down to a box, up, and to an odd size: every pixel is its own colour.
            for box in [nil, (320, 540), (1280, 800), (97, 1000), (1, 1)] as [(Int, Int)?] {
                var req: [String: Any] = ["type": "capture"]
                if let box { req["width"] = box.0; req["height"] = box.1 }
                let (r, bytes) = try Self.image(try agent.request(req), from: agent)
                let img = try Self.png(bytes)
                #expect(img.width == r["width"] as? Int && img.height == r["height"] as? Int)
                if let box { #expect(img.width <= box.0 && img.height <= box.1 && (img.width == box.0 || img.height == box.1)) }
                var foreign = 0
                for py in 0..<img.height { for px in 0..<img.width where Self.rgb(img.rgba, img.width, px, py) != Self.colours[name]! { foreign += 1 } }
                #expect(foreign == 0, "agent \(name) box \(String(describing: box)): \(foreign) pixels not its own")
                #expect(Self.hex(bytes) == r["sha256"] as? String)
            }
        }
    }

    @Test func aWindowLeaseShowsItsWindowWhereAnotherCoversIt() throws {
        let x = try XvfbServer(width: 800, height: 600)
        // "front" covers the right half of "back" (mapped later, so on top).
        let client = try RecordingClient(display: x.display, ["back:100,100,400x300#E03020", "front:300,50,400x400#3050E0"])
        _ = client
        let mux = try MuxDaemon(display: x.display)
        let agent = try WireClient(socket: mux.agentSocket, name: "window-agent")
        #expect(try agent.request(["type": "acquire", "window_class": "back"]).ok)
        let (r, bytes) = try Self.image(try agent.request(["type": "capture"]), from: agent)
        let img = try Self.png(bytes)
        #expect(img.width == 400 && img.height == 300)
        var other = 0
        for py in 0..<img.height { for px in 0..<img.width where Self.rgb(img.rgba, img.width, px, py) != 0xE03020 { other += 1 } }
        #expect(other == 0, "\(other) pixels of the window capture are not the window's own")
        #expect((r["rect"] as? [String: Any])?["x"] as? Int == 100)
        // The screen there shows the cover, and an operator's capture of the lease the window.
        let operatorView = try WireClient(socket: mux.controlSocket, name: "op")
        let leaseID = (try agent.request(["type": "status"])["result"] as? [String: Any]).flatMap { ($0["held"] as? [[String: Any]])?.first?["id"] as? String }
        let (_, opBytes) = try Self.image(try operatorView.request(["type": "capture", "lease": leaseID ?? "L1"]), from: operatorView)
        let opImg = try Self.png(opBytes)
        #expect(Self.rgb(opImg.rgba, opImg.width, 390, 150) == 0xE03020)
        let screen = try WireClient(socket: mux.agentSocket, name: "screen-agent")
        #expect(try screen.request(["type": "acquire", "region": "520,120,40x40"]).ok)
        let (_, screenBytes) = try Self.image(try screen.request(["type": "capture"]), from: screen)
        let screenImg = try Self.png(screenBytes)
        #expect(Self.rgb(screenImg.rgba, screenImg.width, 5, 5) == 0x3050E0)
    }

    @Test func aClickAtAnImagePixelLandsWhereThatPixelWasCaptured() throws {
        let x = try XvfbServer(width: 1280, height: 800)
        let client = try RecordingClient(display: x.display, ["t:200,100,600x400#808080"])
        let mux = try MuxDaemon(display: x.display)
        let agent = try WireClient(socket: mux.agentSocket, name: "pointer")
        #expect(try agent.request(["type": "acquire", "region": "200,100,600x400"]).ok)
        let w = client.windows["t"]!
        var clicks = 0
        for box in [(1024, 768), (1280, 800), (300, 200), (600, 400), (173, 91)] {
            let (r, _) = try Self.image(try agent.request(["type": "capture", "width": box.0, "height": box.1, "format": "raw"]), from: agent)
            let t = try #require(r["transform"] as? [String: Any])
            let ox = t["origin_x"] as! Int, oy = t["origin_y"] as! Int
            let sx = t["scale_x"] as! Double, sy = t["scale_y"] as! Double
            let iw = r["width"] as! Int, ih = r["height"] as! Int
            for (px, py) in [(0, 0), (iw - 1, ih - 1), (iw / 2, ih / 3), (iw / 7, ih - 1)] {
                // PROTOCOL.md's formula: the desktop pixel an image pixel shows.
                let dx = ox + Int(((Double(px) + 0.5) / sx - 0.5).rounded())
                let dy = oy + Int(((Double(py) + 0.5) / sy - 0.5).rounded())
                let click = try agent.request(["type": "gesture", "action": "click", "x": dx, "y": dy])
                #expect(click.ok, "\(click)")
                clicks += 1
                let press = try client.waitFor(timeout: 5) { $0["ev"] as? String == "press" && client.received("press", in: "t").count >= clicks }
                #expect(press != nil)
                let last = try #require(client.received("press", in: "t").last)
                // Where the pixel's centre lies on the desktop, within one desktop pixel.
                let centreX = Double(ox) + (Double(px) + 0.5) / sx, centreY = Double(oy) + (Double(py) + 0.5) / sy
                let landedX = Double(w.x + (last["x"] as! Int)) + 0.5, landedY = Double(w.y + (last["y"] as! Int)) + 0.5
                #expect(abs(landedX - centreX) <= 1.0 / min(sx, 1) + 0.5 && abs(landedY - centreY) <= 1.0 / min(sy, 1) + 0.5,
                        "box \(box) pixel \(px),\(py) → \(dx),\(dy), landed \(landedX),\(landedY)")
                #expect(abs(landedX - 0.5 - Double(dx)) < 0.5 && abs(landedY - 0.5 - Double(dy)) < 0.5)
            }
        }
    }

    @Test func settleWaitsForTheRepaintAndNoLonger() throws {
        let x = try XvfbServer(width: 800, height: 600)
        let client = try RecordingClient(display: x.display, ["slow:100,100,300x200#E03020!300#20C040"])
        let mux = try MuxDaemon(display: x.display, extra: "")
        let agent = try WireClient(socket: mux.agentSocket, name: "settler")
        #expect(try agent.request(["type": "acquire", "window_class": "slow"]).ok)
        for round in 0..<3 {
            let click = try agent.request(["type": "gesture", "action": "click", "x": 150 + round * 10, "y": 150])
            #expect(click.ok)
            let start = Date()
            let (r, bytes) = try Self.image(try agent.request(["type": "capture", "settle": ["quiet_ms": 50, "max_ms": 3000]]), from: agent)
            let returned = Date()
            let repaint = try #require(try client.waitFor(timeout: 5) { $0["ev"] as? String == "repainted" })
            let img = try Self.png(bytes)
            #expect(Self.rgb(img.rgba, img.width, 10, 10) == 0x20C040, "round \(round): the capture shows the old state")
            let settle = r["settle"] as? [String: Any]
            #expect(settle?["settled"] as? Bool == true)
            let waited = returned.timeIntervalSince(start)
            #expect(waited >= 0.25 && waited < 0.3 + 0.15 + 0.1, "round \(round): waited \(waited) s for a repaint 300 ms after the click")
            _ = repaint
            // The next round's click repaints the same colour: reset it to the first.
            try client.command("fill slow 0 0 300 200 E03020")
            client.pump(timeout: 0.2)
        }
    }

    @Test func refusalsSayWhy() throws {
        let x = try XvfbServer(width: 800, height: 600)
        let mux = try MuxDaemon(display: x.display, extra: """
            [[sensitive]]
            name = "bank"
            region = "600,0,200x100"
            [[sensitive]]
            name = "vault"
            region = "600,500,200x100"
            capture = "deny"
            """, firstPolicy: """
            [[policy]]
            uid = \(getuid())
            names = ["blind"]
            capture = false
            """)
        let agent = try WireClient(socket: mux.agentSocket, name: "refused")
        #expect(try agent.request(["type": "capture"]).errorCode == "no_lease")
        #expect(try agent.request(["type": "acquire", "region": "0,0,200x200"]).ok)
        #expect(try agent.request(["type": "capture", "rect": "150,150,51x10"]).errorCode == "outside_region")
        #expect(try agent.request(["type": "capture", "rect": "150,150,50x10"]).ok)
        let blind = try WireClient(socket: mux.agentSocket, name: "blind")
        #expect(try blind.request(["type": "acquire", "region": "300,300,50x50"]).ok)
        #expect(try blind.request(["type": "capture"]).errorCode == "capture_not_allowed")
        // A sensitive region: the lease waits for approval; once approved, capturing still does.
        let teller = try WireClient(socket: mux.agentSocket, name: "teller")
        let pending = try teller.request(["type": "acquire", "region": "600,0,200x100"])
        let leaseID = try #require(((pending["result"] as? [String: Any])?["lease"] as? [String: Any])?["id"] as? String)
        #expect(try teller.request(["type": "capture"]).errorCode == "no_lease")
        let op = try WireClient(socket: mux.controlSocket, name: "op")
        #expect(try op.request(["type": "approve", "lease": leaseID]).ok)
        _ = teller.waitForEvent { $0["event"] as? String == "granted" }
        let needs = try teller.request(["type": "capture"])
        #expect(needs.errorCode == "capture_needs_approval")
        #expect(needs.errorMessage?.contains("muxctl approve \(leaseID) --capture") == true)
        #expect(try op.request(["type": "approve", "lease": leaseID, "capture": true]).ok)
        #expect(try teller.request(["type": "capture"]).ok)
        let guardian = try WireClient(socket: mux.agentSocket, name: "guardian")
        let vault = try guardian.request(["type": "acquire", "region": "600,500,200x100"])
        let vaultID = try #require(((vault["result"] as? [String: Any])?["lease"] as? [String: Any])?["id"] as? String)
        #expect(try op.request(["type": "approve", "lease": vaultID, "capture": true]).ok)
        _ = guardian.waitForEvent { $0["event"] as? String == "granted" }
        #expect(try guardian.request(["type": "capture"]).errorCode == "capture_denied")
        #expect(try agent.request(["type": "capture", "format": "gif"]).errorCode == "malformed")
    }

    @Test func theAuditRecordsTheHashOfTheBytesTheClientReceived() throws {
        let x = try XvfbServer(width: 800, height: 600)
        let client = try RecordingClient(display: x.display, ["w:0,0,400x300#E03020"])
        _ = client
        let mux = try MuxDaemon(display: x.display)
        let agent = try WireClient(socket: mux.agentSocket, name: "audited")
        #expect(try agent.request(["type": "acquire", "region": "0,0,400x300"]).ok)
        var hashes: [String] = []
        for (format, delivery) in [("png", "inline"), ("jpeg", "fd"), ("raw", "fd")] {
            let (r, bytes) = try Self.image(try agent.request(["type": "capture", "format": format, "delivery": delivery, "width": 200]), from: agent)
            #expect(r["bytes"] as? Int == bytes.count)
            let h = Self.hex(bytes)
            #expect(h == r["sha256"] as? String)
            if format == "raw" { #expect(bytes.count == 200 * 150 * 4) }
            if format == "jpeg" { #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8]) }
            hashes.append(h)
        }
        let records = mux.audit(until: { r in r.filter { ($0["action"] as? String) == "capture" && $0["capture"] != nil }.count >= 3 })
        let captured = records.filter { ($0["action"] as? String) == "capture" }.compactMap { $0["capture"] as? [String: Any] }
        #expect(captured.compactMap { $0["sha256"] as? String } == hashes)
        #expect(captured.allSatisfy { ($0["rect"] as? String) == "0,0,400x300" })
    }
}
