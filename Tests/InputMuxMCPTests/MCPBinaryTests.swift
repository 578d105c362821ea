import Foundation
import Glibc
import Testing

/// `inputmux-mcp` as an MCP client starts it: the binary this build produced, over its
/// standard streams.
@Suite struct MCPBinaryTests {
    /// inputmux-mcp, beside the test bundle (`swift build --build-tests` builds it).
    static func binary() throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [me, me.deletingLastPathComponent()] {
            let path = dir.appendingPathComponent("inputmux-mcp").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw MCPBinaryTestFailure("inputmux-mcp is not built beside the tests (\(me.path)); run `swift build --build-tests` first")
    }

    /// Runs inputmux-mcp with `arguments`, writes `input` to its stdin and closes it, and
    /// waits for it to end.
    func run(_ arguments: [String], input: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.binary())
        p.arguments = arguments
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func aBadOptionIsAUsageErrorAndNoServer() throws {
        let r = try run(["--name", ""], input: "")
        #expect(r.status == 64)
        #expect(r.stderr.contains("--name"))
        #expect(r.stdout.isEmpty)
    }

    @Test func itAnswersInitializeOnStdoutAndEndsWhenStdinCloses() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.binary())
        // No daemon is needed to initialize: the session connects on the first tool call.
        p.arguments = ["--name", "bin-test", "--agent-socket", "/nonexistent/agent.sock"]
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#
        stdin.fileHandleForWriting.write(Data((initialize + "\n").utf8))
        // As a client does: the reply first, then stdin closes.
        let reply = try #require(Self.readLine(out.fileHandleForReading.fileDescriptor, timeout: .seconds(20)), "no reply within 20 s")
        try stdin.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
        let result = try #require(json["result"] as? [String: Any], "\(reply)")
        let server = try #require(result["serverInfo"] as? [String: Any])
        #expect(server["name"] as? String == "inputmux")
        #expect(json["id"] as? Int == 1)
    }

    /// The first line on `fd`, or nil when none comes within `timeout`.
    static func readLine(_ fd: Int32, timeout: Duration) -> String? {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

struct MCPBinaryTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
