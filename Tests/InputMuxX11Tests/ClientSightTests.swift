import Foundation
import InputMuxClient
import InputMuxHarness
import InputMuxImage
import InputMuxMCP
import InputMuxWire
import MCP
import Testing

/// Sight through the client library, the MCP server and the Python example, on the real inputmuxd (XTest
/// mode) over Xvfb with real X clients: what the library and a model receive is the
/// lease's own pixels, both deliveries agree, and a model's click at a screenshot pixel
/// lands on the desktop pixel that pixel showed.
@Suite(.serialized) struct ClientSightTests {
    static let red: UInt32 = 0xE03020, green: UInt32 = 0x20C040

    static func rgb(_ rgba: [UInt8], _ width: Int, _ x: Int, _ y: Int) -> UInt32 {
        let i = (y * width + x) * 4
        return UInt32(rgba[i]) << 16 | UInt32(rgba[i + 1]) << 8 | UInt32(rgba[i + 2])
    }

    /// Pixels of a PNG that are not `colour`.
    static func foreign(_ png: [UInt8], _ colour: UInt32) throws -> (width: Int, height: Int, count: Int) {
        let img = try PNGCodec.decode(png)
        var n = 0
        for y in 0..<img.height { for x in 0..<img.width where rgb(img.rgba, img.width, x, y) != colour { n += 1 } }
        return (img.width, img.height, n)
    }

    @Test func theLibraryGetsTheSameImageInlineAndByDescriptor() async throws {
        let x = try XvfbServer(width: 1920, height: 1080)
        let client = try RecordingClient(display: x.display, ["a:0,0,960x1080#E03020", "b:960,0,960x1080#20C040"])
        _ = client
        let mux = try MuxDaemon(display: x.display)
        let agent = try await AgentClient.connect(socketPath: mux.agentSocket, name: "library")
        defer { agent.close() }
        let lease = try await agent.acquire(Region(x: 960, y: 0, width: 960, height: 1080))
        try await lease.waitUntilActive(timeout: .seconds(10))
        let inline = try await lease.capture(CaptureOptions(size: .box(width: 480, height: 540)))
        let byFD = try await lease.capture(CaptureOptions(size: .box(width: 480, height: 540), delivery: .fd))
        #expect(inline.bytes == byFD.bytes && inline.sha256 == byFD.sha256)
        #expect(inline.rect == Region(x: 960, y: 0, width: 960, height: 1080) && inline.width == 480 && inline.height == 540)
        let seen = try Self.foreign(inline.bytes, Self.green)
        #expect(seen.width == 480 && seen.height == 540 && seen.count == 0, "\(seen)")
        // Raw RGBA rows of a part of the lease.
        let raw = try await agent.capture(lease: lease.id, CaptureOptions(rect: Region(x: 1000, y: 10, width: 7, height: 5), format: .raw, delivery: .fd))
        #expect(raw.bytes.count == 7 * 5 * 4 && (0..<35).allSatisfy { Self.rgb(raw.bytes, 7, $0 % 7, $0 / 7) == Self.green })
        // Outside the lease: refused with its reason, never clipped.
        let e = await #expect(throws: InputMuxError.self) {
            _ = try await lease.capture(CaptureOptions(rect: Region(x: 900, y: 0, width: 100, height: 100)))
        }
        #expect(e?.code == .outsideRegion)
    }

    @Test func thePythonExampleCapturesBothWaysAndClicksWhatItSaw() throws {
        let x = try XvfbServer(width: 1920, height: 1080)
        let client = try RecordingClient(display: x.display, ["a:0,0,960x1080#E03020", "b:960,0,960x1080#20C040"])
        let mux = try MuxDaemon(display: x.display)
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/python").standardized.path
        let dir = try MuxDaemon.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/shot.png"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["screenshot_click.py", "--socket", mux.agentSocket, "--region", "960,0,960x1080", "--size", "480x540",
                       "--pixel", "100,50", "--out", out]
        p.currentDirectoryURL = URL(fileURLWithPath: examples)
        p.environment = ["PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(output)")
        #expect(output.contains("inline: 480x540 png") && output.contains("fd:     480x540 png"), "\(output)")
        let saved = try #require(FileManager.default.contents(atPath: out))
        let seen = try Self.foreign([UInt8](saved), Self.green)
        #expect(seen.width == 480 && seen.height == 540 && seen.count == 0)
        // Image pixel 100,50 at half scale shows desktop 960 + 201, 101: window b's 201,101.
        #expect(try client.waitFor(timeout: 5) { $0["ev"] as? String == "press" && $0["win"] as? String == "b" } != nil)
        let press = try #require(client.received("press", in: "b").last)
        #expect(press["x"] as? Int == 201 && press["y"] as? Int == 101, "\(press)")
    }

    /// An MCP client and server in memory; the server's session on the real daemon.
    struct MCPAgent {
        let session: ComputerUseSession
        let client: Client

        init(name: String, socket: String, region: Region) async throws {
            session = ComputerUseSession(configuration: .init(name: name, socketPath: socket, region: region, keyboard: false,
                                                              coordinates: .scaled(width: 1280, height: 800), acquireTimeout: .seconds(10)))
            let server = await InputMuxMCPServer.make(session: session)
            let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
            try await server.start(transport: serverSide)
            client = Client(name: "test", version: "1")
            _ = try await client.connect(transport: clientSide)
        }

        /// The call's text and its images' bytes.
        func call(_ arguments: [String: Value]) async throws -> (text: String, images: [[UInt8]], isError: Bool) {
            let (content, isError) = try await client.callTool(name: "computer", arguments: arguments)
            let text = content.compactMap { c -> String? in if case .text(let t, _, _) = c { t } else { nil } }.joined()
            let images = content.compactMap { c -> [UInt8]? in
                if case .image(let d, let mime, _, _) = c, mime == "image/png" { Data(base64Encoded: d).map { [UInt8]($0) } } else { nil }
            }
            return (text, images, isError ?? false)
        }
    }

    @Test func twoModelsSeeOnlyTheirOwnRegionsAndClickWhatTheySaw() async throws {
        let x = try XvfbServer(width: 1920, height: 1080)
        let client = try RecordingClient(display: x.display, ["a:0,0,960x1080#E03020", "b:960,0,960x1080#20C040"])
        let mux = try MuxDaemon(display: x.display)
        let left = try await MCPAgent(name: "model-a", socket: mux.agentSocket, region: Region(x: 0, y: 0, width: 960, height: 1080))
        let right = try await MCPAgent(name: "model-b", socket: mux.agentSocket, region: Region(x: 960, y: 0, width: 960, height: 1080))
        defer { left.session.close(); right.session.close() }
        for (agent, colour) in [(left, Self.red), (right, Self.green)] {
            let shot = try await agent.call(["action": "screenshot"])
            #expect(!shot.isError, "\(shot.text)")
            let png = try #require(shot.images.first)
            // 960x1080 fitted into the wxga box: 711x800, every pixel the agent's own.
            let seen = try Self.foreign(png, colour)
            #expect(seen.width == 711 && seen.height == 800 && seen.count == 0, "\(seen)")
        }
        // The right model clicks pixels of its screenshot; each press lands on the desktop
        // pixel whose centre that image pixel showed, within one desktop pixel.
        let w = client.windows["b"]!
        let scale = (x: 711.0 / 960.0, y: 800.0 / 1080.0)
        var clicks = 0
        for (px, py) in [(0, 0), (710, 799), (355, 400), (100, 650)] {
            let r = try await right.call(["action": "left_click", "coordinate": [.int(px), .int(py)]])
            #expect(!r.isError, "\(r.text)")
            clicks += 1
            #expect(try client.waitFor(timeout: 5) { _ in client.received("press", in: "b").count >= clicks } != nil)
            let press = try #require(client.received("press", in: "b").last)
            let landedX = Double(w.x + (press["x"] as! Int)) + 0.5, landedY = Double(w.y + (press["y"] as! Int)) + 0.5
            let centreX = 960 + (Double(px) + 0.5) / scale.x, centreY = (Double(py) + 0.5) / scale.y
            #expect(abs(landedX - centreX) <= 1 && abs(landedY - centreY) <= 1, "pixel \(px),\(py): landed \(landedX),\(landedY), shown \(centreX),\(centreY)")
        }
        #expect(client.received("press", in: "a").isEmpty)
    }
}
