import Foundation
import InputMuxWire
import Testing

@testable import InputMuxClient
import InputMuxClientTestSupport

/// The standard-library Python example (examples/python) against the fake daemon: it
/// captures inline and by memfd, checks the SHA-256, saves the PNG and clicks the
/// desktop pixel an image pixel shows.
@Suite struct PythonExampleTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/python").standardized.path
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs python3 with `arguments` in the examples directory; its status and output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: examples)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let done = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in done.continuation.finish() }
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        for await _ in done.stream {}
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("the examples compile", .enabled(if: python != nil))
    func compiles() async throws {
        let r = try await Self.run(["-c", "import ast, sys; [ast.parse(open(f).read(), f) for f in ('inputmux_client.py', 'screenshot_click.py')]"])
        #expect(r.status == 0, "\(r.output)")
    }

    @Test("screenshot_click.py: inline and fd captures verified, the PNG saved, the image pixel clicked on the desktop", .enabled(if: python != nil))
    func screenshotClick() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString.prefix(8)).png").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try await Self.run(["screenshot_click.py", "--socket", daemon.path, "--region", "0,0,1920x1080", "--size", "960x540",
                                    "--pixel", "100,50", "--out", out])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("inline: 960x540 png") && r.output.contains("fd:     960x540 png"), "\(r.output)")
        let saved = try #require(FileManager.default.contents(atPath: out))
        #expect([UInt8](saved) == FakeCapture.png(width: 960, height: 540))
        let captures = daemon.received("capture")
        #expect(captures.map { $0["delivery"] } == ["inline", "fd"])
        // Scale 0.5: image pixel 100 shows desktop round(100.5 / 0.5 - 0.5) = 201 (a half rounds away from zero).
        let click = try #require(daemon.received("gesture", action: "click").first)
        #expect(click["x"] == 201 && click["y"] == 101)
        #expect(daemon.received("release").count == 1)
    }

    @Test("the Python client refuses an image whose SHA-256 is not the announced one", .enabled(if: python != nil))
    func pythonChecksTheHash() async throws {
        let daemon = try FakeDaemon { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            c.replyCapture(m, image: [1, 2, 3, 4], lease: "L1", rect: Region(x: 0, y: 0, width: 1, height: 1), width: 1, height: 1,
                           format: .raw, sha256: String(repeating: "0", count: 64))
        }
        defer { daemon.stop() }
        let r = try await Self.run(["screenshot_click.py", "--socket", daemon.path, "--out", "/dev/null", "--no-click"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.output.contains("protocol_violation"), "\(r.output)")
    }
}
