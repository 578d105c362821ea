import Foundation
import InputMuxClient
import InputMuxClientTestSupport
import InputMuxWire
import MCP
import Synchronization
import Testing

@testable import InputMuxMCP

/// An MCP client talking to the server in memory; the server's session talks to a fake
/// daemon over a real Unix socket.
struct Harness {
    let daemon: FakeDaemon
    let session: ComputerUseSession
    let client: Client

    init(region: Region? = nil, coordinates: CoordinateSpace = .desktop, screenshotSize: CaptureSize? = nil, screenshotAfterActions: Bool = false,
         handler: @escaping @Sendable (JSON, FakeConnection) -> Void = FakeDaemon.standard) async throws {
        daemon = try FakeDaemon(handler: handler)
        session = ComputerUseSession(configuration: .init(name: "mcp-agent", socketPath: daemon.path, region: region,
                                                          coordinates: coordinates, acquireTimeout: .seconds(2),
                                                          screenshotSize: screenshotSize, screenshotAfterActions: screenshotAfterActions))
        let server = await InputMuxMCPServer.make(session: session)
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        try await server.start(transport: serverSide)
        client = Client(name: "test", version: "1")
        _ = try await client.connect(transport: clientSide)
    }

    /// Calls a tool; returns its text, its images (base64 and media type) and error flag.
    func callWithImages(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> (text: String, images: [(data: String, mimeType: String)], isError: Bool) {
        let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
        let text = content.compactMap { c -> String? in if case .text(let t, _, _) = c { t } else { nil } }.joined()
        let images = content.compactMap { c -> (String, String)? in if case .image(let d, let m, _, _) = c { (d, m) } else { nil } }
        return (text, images.map { (data: $0.0, mimeType: $0.1) }, isError ?? false)
    }

    /// Calls a tool; returns its text and error flag.
    func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> (text: String, isError: Bool) {
        let (content, isError) = try await client.callTool(name: tool, arguments: arguments)
        let text = content.compactMap { c -> String? in if case .text(let t, _, _) = c { t } else { nil } }.joined()
        return (text, isError ?? false)
    }

    /// The gestures the daemon received, without ids.
    var gestures: [[String: JSON]] {
        daemon.received("gesture").map { $0.object!.filter { $0.key != "id" && $0.key != "type" } }
    }

    func stop() {
        session.close()
        daemon.stop()
    }
}

@Suite("inputmux-mcp: tools over the fake daemon")
struct MCPServerTests {
    @Test("the tool list: names, schemas, read-only hints, screenshots")
    func toolList() async throws {
        let h = try await Harness()
        defer { h.stop() }
        let (tools, _) = try await h.client.listTools()
        #expect(tools.map(\.name).sorted() == ["computer", "computer_actions", "cursor_position", "lease_acquire", "lease_release", "lease_status"])
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) })
        #expect(byName["lease_status"]?.annotations.readOnlyHint == true)
        #expect(byName["cursor_position"]?.annotations.readOnlyHint == true)
        #expect(byName["computer"]?.annotations.readOnlyHint == false)
        let computer = try #require(byName["computer"])
        #expect(computer.description?.contains("A screenshot shows your lease only") == true)
        let actions = computer.inputSchema.objectValue?["properties"]?.objectValue?["action"]?.objectValue?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(actions == AnthropicActions.names)
        #expect(computer.inputSchema.objectValue?["required"] == ["action"])
        let batch = try #require(byName["computer_actions"])
        #expect(batch.description?.contains("stops at the first error") == true)
        #expect(h.daemon.received.isEmpty, "listing tools must not connect to the daemon")
    }

    @Test("each Anthropic action maps to its gesture request")
    func anthropicMapping() async throws {
        let h = try await Harness()
        defer { h.stop() }
        let calls: [[String: Value]] = [
            ["action": "mouse_move", "coordinate": [10, 20]],
            ["action": "left_click", "coordinate": [30, 40], "text": "CTRL"],
            ["action": "right_click", "coordinate": [1, 2]],
            ["action": "middle_click"],
            ["action": "double_click", "coordinate": [5, 6]],
            ["action": "triple_click", "coordinate": [7, 8]],
            ["action": "left_click_drag", "start_coordinate": [1, 1], "coordinate": [50, 60]],
            ["action": "left_mouse_down", "coordinate": [3, 3]],
            ["action": "left_mouse_up", "coordinate": [4, 4]],
            ["action": "scroll", "coordinate": [9, 9], "scroll_direction": "up", "scroll_amount": 2],
            ["action": "key", "text": "ctrl+a Delete"],
            ["action": "type", "text": "hi"],
            ["action": "hold_key", "text": "shift", "duration": 0.5],
            ["action": "wait", "duration": 0.1],
        ]
        for c in calls {
            let r = try await h.call("computer", c)
            #expect(!r.isError, "\(c): \(r.text)")
        }
        let expected: [[String: JSON]] = [
            ["action": "move", "x": 10, "y": 20],
            ["action": "click", "x": 30, "y": 40, "button": "left", "count": 1, "modifiers": "ctrl"],
            ["action": "click", "x": 1, "y": 2, "button": "right", "count": 1],
            ["action": "click", "button": "middle", "count": 1],
            ["action": "click", "x": 5, "y": 6, "button": "left", "count": 2],
            ["action": "click", "x": 7, "y": 8, "button": "left", "count": 3],
            ["action": "drag", "path": [[1, 1], [50, 60]], "button": "left"],
            ["action": "mouse_down", "x": 3, "y": 3, "button": "left"],
            ["action": "mouse_up", "x": 4, "y": 4, "button": "left"],
            ["action": "scroll", "x": 9, "y": 9, "dx": 0, "dy": -2, "unit": "notches"],
            ["action": "key", "keys": "ctrl+a", "repeat": 1],
            ["action": "key", "keys": "Delete", "repeat": 1],
            ["action": "type", "text": "hi"],
            ["action": "hold", "keys": "shift", "duration_ms": 500],
            ["action": "wait", "duration_ms": 100],
        ]
        #expect(h.gestures == expected)
        // The first action acquired the session's lease: the whole desktop, with the keyboard.
        let acquire = try #require(h.daemon.received("acquire").first)
        #expect(acquire["region"] == "0,0,1920x1080" && acquire["keyboard"] == true && acquire["mode"] == "wait")
        #expect(h.daemon.received("acquire").count == 1)
        let cursor = try await h.call("cursor_position")
        #expect(cursor.text == "X=9,Y=9")
    }

    @Test("OpenAI actions in a scaled space map to desktop pixels")
    func openAIMapping() async throws {
        let h = try await Harness(coordinates: .scaled(width: 960, height: 540))
        defer { h.stop() }
        let r = try await h.call("computer_actions", ["actions": [
            ["type": "click", "x": 100, "y": 50, "button": "right"],
            ["type": "double_click", "x": 10, "y": 10],
            ["type": "drag", "path": [["x": 0, "y": 0], ["x": 480, "y": 270]]],
            ["type": "keypress", "keys": ["CTRL", "SHIFT", "T"]],
            ["type": "move", "x": 1, "y": 1],
            ["type": "scroll", "x": 100, "y": 100, "scroll_x": 0, "scroll_y": 60],
            ["type": "type", "text": "hello"],
            ["type": "wait", "ms": 20],
        ]])
        #expect(!r.isError, "\(r.text)")
        let expected: [[String: JSON]] = [
            ["action": "click", "x": 200, "y": 100, "button": "right", "count": 1],
            ["action": "click", "x": 20, "y": 20, "button": "left", "count": 2],
            ["action": "drag", "path": [[0, 0], [960, 540]], "button": "left"],
            ["action": "key", "keys": "ctrl+shift+t", "repeat": 1],
            ["action": "move", "x": 2, "y": 2],
            ["action": "scroll", "x": 200, "y": 200, "dx": 0, "dy": 120, "unit": "pixels"],
            ["action": "type", "text": "hello"],
            ["action": "wait", "duration_ms": 20],
        ]
        #expect(h.gestures == expected)
    }

    @Test("a batch stops at the first error and releases what it held")
    func batchStopsAndReleases() async throws {
        let h = try await Harness { m, c in
            if m["type"] == "gesture", m["action"] == "click", m["x"] == 1500 {
                c.fail(m, "outside_region", "click at 1500,10 is outside your lease L1 (0,0,960x1080)")
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { h.stop() }
        let down = try await h.call("computer", ["action": "left_mouse_down", "coordinate": [10, 10]])
        #expect(!down.isError)
        let r = try await h.call("computer_actions", ["actions": [
            ["type": "move", "x": 20, "y": 20],
            ["type": "click", "x": 1500, "y": 10],
            ["type": "type", "text": "never"],
        ]])
        #expect(r.isError)
        #expect(r.text.contains("action 2 of 3 failed"))
        #expect(r.text.contains("outside_region"))
        #expect(r.text.contains("act inside your lease region"))
        #expect(r.text.contains("left button"))
        let actions = h.gestures.map { $0["action"]?.string ?? "?" }
        #expect(actions == ["mouse_down", "move", "click", "mouse_up"])
        #expect(!h.daemon.received("gesture").contains { $0["text"] == "never" })
    }

    @Test("bad arguments are refused before anything is sent, with the valid shape")
    func badArguments() async throws {
        let h = try await Harness()
        defer { h.stop() }
        let unknown = try await h.call("computer", ["action": "fly"])
        #expect(unknown.isError && unknown.text.contains("left_click"))
        let missing = try await h.call("computer", ["action": "mouse_move"])
        #expect(missing.isError && missing.text.contains("coordinate"))
        let batch = try await h.call("computer_actions", ["actions": [["type": "move", "x": 1, "y": 1], ["type": "click", "x": 1]]])
        #expect(batch.isError && batch.text.contains("nothing was done"))
        #expect(h.daemon.received("gesture").isEmpty)
    }

    @Test("a second session is told it is queued, with the holder; release lets it in")
    func queuedLease() async throws {
        let granted = Mutex(false)
        let h = try await Harness(region: Region(x: 0, y: 0, width: 960, height: 1080)) { m, c in
            switch m["type"].string {
            case "acquire" where !granted.withLock({ $0 }):
                c.reply(m, ["state": "queued", "lease": FakeDaemon.lease("L2", session: c.session, region: "0,0,960x1080", state: "queued", keyboard: true),
                            "position": 1, "reason": "lease queued: overlapping \"first\"#5's lease L1"])
            case "status":
                c.reply(m, ["time_ms": 1, "held": [FakeDaemon.lease("L1", session: 5, name: "first", region: "0,0,1920x1080")],
                            "waiting": [], "sessions": [], "seat_queue": 0, "cancel_targets": []])
            case "grant":
                c.reply(m, [:])
            default: FakeDaemon.standard(m, c)
            }
        }
        defer { h.stop() }
        let r = try await h.call("lease_acquire", ["timeout_ms": 100])
        #expect(r.isError)
        #expect(r.text.contains("lease queued"), "\(h.daemon.received)")
        #expect(r.text.contains("queue position 1"))
        #expect(r.text.contains("\"first\"#5's lease L1"))
        let status = try await h.call("lease_status")
        #expect(!status.isError)
        let json = try #require(JSON.parse(status.text))
        #expect(json["lease"]["state"] == "queued at position 1")
        #expect(json["lease"]["waiting_for"].string?.contains("L1") == true)
        // The holder releases: the daemon grants L2 by an event; the next call goes through.
        granted.withLock { $0 = true }
        try #require(h.daemon.connections.first).event(["event": "granted", "lease": FakeDaemon.lease("L2", session: 1, region: "0,0,960x1080", keyboard: true)])
        let again = try await h.call("lease_acquire", ["timeout_ms": 1000])
        #expect(!again.isError, "\(again.text)")
        #expect(again.text.contains("L2 is active"))
        #expect(h.daemon.received("acquire").count == 1, "waiting again must not queue a second request")
        let release = try await h.call("lease_release")
        #expect(release.text.contains("released L2"))
        #expect(h.daemon.received("release").first?["lease"] == "L2")
    }

    @Test("try mode: a conflict is an actionable error")
    func conflict() async throws {
        let h = try await Harness { m, c in
            if m["type"] == "acquire" {
                c.fail(m, "conflict", "lease denied: agent \"mcp-agent\"#1 requested region 0,0,1920x1080 overlapping \"A\"#3's lease L12")
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { h.stop() }
        let r = try await h.call("lease_acquire", ["mode": "try"])
        #expect(r.isError)
        #expect(r.text.hasPrefix("conflict: lease denied"))
        #expect(r.text.contains("retry after the holder releases"))
        #expect(r.text.contains("ask the operator"))
    }

    @Test("concurrent tool calls on one session run one at a time")
    func serialized() async throws {
        let slow = SlowGestures()
        let h = try await Harness(handler: slow.handler)
        defer { h.stop() }
        _ = try await h.call("lease_acquire")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<4 {
                group.addTask {
                    let r = try await h.call("computer_actions", ["actions": [
                        ["type": "move", "x": .int(i), "y": 0], ["type": "click", "x": .int(i), "y": 1],
                    ]])
                    return r.isError
                }
            }
            for try await failed in group { #expect(!failed) }
        }
        #expect(slow.mostInFlight == 1)
        // Each batch's two gestures are adjacent: batches never interleave.
        let xs = h.gestures.map { $0["x"]?.int ?? -1 }
        #expect(xs.count == 8)
        for pair in stride(from: 0, to: xs.count, by: 2) { #expect(xs[pair] == xs[pair + 1]) }
    }

    @Test("no daemon: the tool error says to check the service")
    func noDaemon() async throws {
        let session = ComputerUseSession(configuration: .init(name: "x", socketPath: "/tmp/none-\(getpid()).sock"))
        let r = await session.call("computer", arguments: ["action": "left_click", "coordinate": [1, 1]])
        #expect(r.isError)
        #expect(r.text.contains("systemctl status inputmuxd"))
    }
}
