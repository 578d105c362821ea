import Foundation
import Glibc
import InputMuxClient
import InputMuxClientTestSupport
import InputMuxRelay
import InputMuxWire
import Synchronization
import Testing

/// `muxctl agent screenshot` and `muxctl screenshot` as scripts run them: the real binary
/// against the fake daemon, in a session of its own and through a real lease holder.
@Suite(.serialized) struct ScreenshotBinaryTests {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try MuxctlBinaryTests.muxctl())
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Both pipes drained at once: a large image on stdout must not block the process.
        let stderrData = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread {
            let e = err.fileHandleForReading.readDataToEndOfFile()
            stderrData.withLock { $0 = e }
            drained.signal()
        }.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        drained.wait()
        return Outcome(status: p.terminationStatus, stdout: o, stderr: String(decoding: stderrData.withLock { $0 }, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o700)
        return dir
    }

    @Test func aScreenshotInItsOwnSessionWritesTheFileAndTheFacts() throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/lease.png"
        let r = try run(["agent", "--name", "shot", "--agent-socket", daemon.path, "--region", "0,0,960x1080",
                         "screenshot", "-o", file, "--size", "480x540", "--fd", "--json"], environment: ["XDG_RUNTIME_DIR": dir])
        #expect(r.status == 0, "\(r.stderr)")
        // The fake daemon shows the whole 1920x1080 desktop: 480x270 in the box.
        let png = FakeCapture.png(width: 480, height: 270)
        #expect(FileManager.default.contents(atPath: file).map { [UInt8]($0) } == png)
        let facts = try #require(JSON.parse(Array(r.stdout)))
        #expect(facts["sha256"] == .string(Screenshot.sha256(of: png)) && facts["width"] == 480 && facts["format"] == "png")
        #expect(daemon.received("capture").first?["delivery"] == "fd")
        #expect(daemon.received("release").count == 1)
    }

    @Test func throughALeaseHolderToStandardOutput() throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["XDG_RUNTIME_DIR": dir]
        let acquired = try run(["agent", "--name", "held", "--agent-socket", daemon.path, "lease", "acquire"], environment: env)
        #expect(acquired.status == 0, "\(acquired.stderr)")
        defer { _ = try? run(["agent", "--name", "held", "lease", "release"], environment: env) }
        let r = try run(["agent", "--name", "held", "screenshot", "-o", "-", "--size", "wxga", "--settle"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        // The desktop 1920x1080 fitted into 1280x800: 1280x720.
        #expect([UInt8](r.stdout) == FakeCapture.png(width: 1280, height: 720))
        #expect(r.stderr.contains("1280x720 png") && r.stderr.contains("settle: waited 120 ms, settled"), "\(r.stderr)")
        // One session: the holder's.
        #expect(daemon.received("hello").count == 1)
        #expect(daemon.received("capture").first?["settle"] == ["quiet_ms": 100, "max_ms": 2000])
    }

    @Test func refusalsExitWithTheirStatus() throws {
        let daemon = try FakeDaemon { m, c in
            switch m["type"].string {
            case "capture" where m["lease"] == "L9":
                c.fail(m, "capture_denied", "capture refused: L9 shows the sensitive region \"bank\", which is never captured")
            case "capture":
                c.fail(m, "no_capture_source", "capture refused: this daemon has no display to read")
            case "hello" where m["name"].isNull:
                c.reply(m, ["protocol": 1, "operator": 1, "desktop": ["x": 0, "y": 0, "width": 1920, "height": 1080]])
            default: FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agent = try run(["agent", "--name", "x", "--agent-socket", daemon.path, "screenshot", "-o", dir + "/a.png"], environment: ["XDG_RUNTIME_DIR": dir])
        #expect(agent.status == ExitStatus.unavailable.rawValue && agent.stderr.contains("no display"), "\(agent.stderr)")
        let op = try run(["screenshot", "--lease", "L9", "-o", dir + "/b.png", "--control-socket", daemon.path])
        #expect(op.status == ExitStatus.denied.rawValue && op.stderr.contains("never captured"), "\(op.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a.png") && !FileManager.default.fileExists(atPath: dir + "/b.png"))
        let approve = try run(["approve", "L9", "--capture", "--control-socket", daemon.path])
        #expect(approve.status == 0 && approve.text.contains("captures included"))
        #expect(daemon.received("approve").first?["capture"] == true)
    }
}
