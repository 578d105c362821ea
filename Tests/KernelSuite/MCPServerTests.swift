import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// `inputmux-mcp` against the real inputmuxd: an MCP client (this test, speaking JSON-RPC
/// over the server's stdin and stdout) lists the tools, leases, clicks and types; the
/// events read back on the session's own evdev devices. A second MCP session on the same
/// region is told it is queued.
enum MCPServerTests {
    /// `inputmux-mcp` as a child with its stdin and stdout on pipes (stderr to a file).
    final class MCPServerProcess {
        let child: ChildProcess
        let errorPath: String
        private var nextID: Int64 = 1

        init(_ args: [String], errorPath: String) throws {
            let path = String(DaemonUnderTest.binary.dropLast("inputmuxd".count)) + "inputmux-mcp"
            self.errorPath = errorPath
            child = try ChildProcess(path, args, input: .pipe, output: .captured, error: .file(errorPath))
        }

        var stderrText: String { readFileText(errorPath) ?? "" }

        func send(_ message: JSON) {
            child.write(message.line + "\n")
        }

        /// A JSON-RPC request; returns the response with its id (failing after `timeout`).
        func request(_ method: String, _ params: JSON, timeout: Duration = .seconds(15)) throws -> JSON {
            let id = nextID
            nextID += 1
            let seen = child.lines.count
            send(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
            let answer = child.waitForLine(timeout: timeout) { line in
                JSON.parse(Array(line.utf8))?["id"].int64 == id
            }
            if let answer, let m = JSON.parse(Array(answer.utf8)) { return m }
            if !child.isRunning && child.lines.count == seen {
                throw TestFailure("inputmux-mcp closed its stdout; stderr: \(stderrText.suffix(1500))")
            }
            throw TestFailure("no answer to \(method) within \(timeout); stderr: \(stderrText.suffix(1500))")
        }

        /// tools/call; returns (text, isError).
        func call(_ tool: String, _ arguments: JSON = [:]) throws -> (text: String, isError: Bool) {
            let r = try request("tools/call", ["name": .string(tool), "arguments": arguments])
            guard r["result"] != .null else { throw TestFailure("tools/call \(tool) failed: \(r)") }
            let text = r["result"]["content"].elements.compactMap { $0["text"].string }.joined()
            return (text, r["result"]["isError"] == true)
        }

        /// initialize + initialized, as an MCP client opens a session.
        func open() throws -> JSON {
            let r = try request("initialize", ["protocolVersion": "2025-06-18", "capabilities": [:],
                                               "clientInfo": ["name": "kernel-suite", "version": "1"]])
            send(["jsonrpc": "2.0", "method": "notifications/initialized"])
            return r
        }

        /// Closes stdin; the server ends its session and exits. Returns how it ended.
        func finish(timeout: Duration = .seconds(5)) -> Termination? {
            child.closeInput()
            return child.wait(timeout: timeout)
        }
    }

    static func overStdio() throws {
        let daemon = try DaemonUnderTest()
        let common = ["--agent-socket", daemon.agentSocket, "--region", "0,0,960,1080", "--timeout", "2"]
        let a = try MCPServerProcess(["--name", "mcp-a"] + common, errorPath: daemon.directory + "/mcp-a.err")
        let hello = try a.open()
        try expectEqual(hello["result"]["serverInfo"]["name"].string, "inputmux", "server name in the initialize result")
        try expect(hello["result"]["capabilities"]["tools"] != .null, "the server should offer tools: \(hello)")

        let list = try a.request("tools/list", [:])
        let tools = list["result"]["tools"].elements
        let names = Set(tools.compactMap { $0["name"].string })
        try expectEqual(names, ["computer", "computer_actions", "cursor_position", "lease_acquire", "lease_release", "lease_status"], "tool names")
        for readOnly in ["lease_status", "cursor_position"] {
            try expect(tools.contains { $0["name"].string == readOnly && $0["annotations"]["readOnlyHint"] == true },
                       "\(readOnly) should carry readOnlyHint: \(tools)")
        }

        let acquired = try a.call("lease_acquire")
        try expect(!acquired.isError && acquired.text.contains("is active on 0,0,960x1080 with the keyboard"), "lease_acquire: \(acquired.text)")
        let status = try a.call("lease_status")
        guard let s = JSON.parse(Array(status.text.utf8)), let pointerNode = s["devices"]["pointer"].string,
              let keyboardNode = s["devices"]["keyboard"].string else {
            throw TestFailure("lease_status should name the session's devices: \(status.text)")
        }
        try expectEqual(s["lease"]["state"].string, "active", "lease_status: state")
        let pointer = try EvdevReader(pointerNode)
        let keyboard = try EvdevReader(keyboardNode)

        let click = try a.call("computer", ["action": "left_click", "coordinate": [300, 400]])
        try expect(!click.isError, "left_click: \(click.text)")
        let trace = PointerTrace(pointer.readFrames(count: 3, timeout: .seconds(2)))
        try expectEqual(trace.positions.last, Point(x: 300, y: 400), "the MCP click's position on the agent pointer")
        try expectEqual(trace.buttons.map { "\($0.code)=\($0.value)" }, ["\(BTN_LEFT)=1", "\(BTN_LEFT)=0"], "the MCP click's buttons")
        let typed = try a.call("computer", ["action": "type", "text": "ok"])
        try expect(!typed.isError, "type: \(typed.text)")
        let keys = keyEvents(keyboard.readFrames(count: 4, timeout: .seconds(2)))
        let ko = UInt16(KEY_O), kk = UInt16(KEY_K)
        try expect(keys.count == 4 && keys[0] == (ko, 1) && keys[1] == (ko, 0) && keys[2] == (kk, 1) && keys[3] == (kk, 0),
                   "typed keys read back \(keys), expected o k")
        let cursor = try a.call("cursor_position")
        try expectEqual(cursor.text, "X=300,Y=400", "cursor_position")

        // A batch that leaves the region stops there; nothing of it reaches the device.
        let outside = try a.call("computer_actions", ["actions": [["type": "click", "x": 1500, "y": 10], ["type": "type", "text": "no"]]])
        try expect(outside.isError && outside.text.contains("outside_region") && outside.text.contains("action 1 of 2 failed"),
                   "a click outside the lease: \(outside.text)")
        let stray = pointer.readFrames(count: 1, timeout: .milliseconds(200)) + keyboard.readAvailable()
        try expect(stray.isEmpty, "a refused batch reached the devices: \(stray)")

        // A second MCP session on the same region is told it is queued, behind mcp-a.
        let b = try MCPServerProcess(["--name", "mcp-b"] + common, errorPath: daemon.directory + "/mcp-b.err")
        _ = try b.open()
        let queued = try b.call("lease_acquire", ["timeout_ms": 300])
        try expect(queued.isError && queued.text.contains("lease queued") && queued.text.contains("queue position 1")
                   && queued.text.contains("\"mcp-a\""), "the second session should be told it is queued behind mcp-a: \(queued.text)")

        // mcp-a ends (its client closes stdin): its lease ends, and mcp-b's waiting lease is granted.
        try expect(a.finish() != nil, "inputmux-mcp did not exit when its stdin closed; stderr: \(a.stderrText.suffix(800))")
        let granted = try b.call("lease_acquire", ["timeout_ms": 3000])
        try expect(!granted.isError && granted.text.contains("is active"), "mcp-b after mcp-a left: \(granted.text)")
        _ = b.finish()
        try daemon.stop()
    }
}
