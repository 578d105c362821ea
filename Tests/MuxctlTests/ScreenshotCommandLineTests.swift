import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import InputMuxWire
@testable import muxctl
import Testing

/// `muxctl agent screenshot`, `muxctl screenshot` and `approve --capture` as a user types them.
@Suite struct ScreenshotCommandLineTests {
    func parse(_ args: [String]) throws -> any ParsableCommand { try MuxctlCommand.parseAsRoot(args) }

    @Test func agentScreenshotOptionsBecomeTheCaptureRequest() throws {
        let shot = try #require(try parse(["agent", "--name", "bot", "screenshot", "-o", "/tmp/s.jpg", "--lease", "7", "--rect", "10,20,300x200",
                                           "--size", "wxga", "--format", "jpeg", "--quality", "60", "--fd", "--cursor",
                                           "--settle", "--settle-quiet-ms", "50", "--settle-max-ms", "3000", "--json"]) as? AgentScreenshotCommand)
        #expect(shot.agent.name == "bot" && shot.lease == "7" && shot.capture.output == "/tmp/s.jpg" && shot.capture.json.enabled)
        let options = try shot.capture.options()
        #expect(options == CaptureOptions(rect: Region(x: 10, y: 20, width: 300, height: 200), size: .box(width: 1280, height: 800),
                                          format: .jpeg, quality: 60, delivery: .fd, cursor: true,
                                          settle: CaptureSettle(quiet: .milliseconds(50), maximum: .seconds(3))))
        // What the lease holder is sent, and reads back to the same options.
        let line = try AgentCapture.relayLine(lease: "L7", options)
        #expect(line.hasPrefix("capture {"))
        let request = try #require(JSON.parse(String(line.dropFirst(8))))
        #expect(request["type"] == "capture" && request["lease"] == "L7" && request["rect"] == "10,20,300x200" && request["width"] == 1280)
        #expect(try CaptureOptions(request: request) == options)
    }

    @Test func agentScreenshotDefaults() throws {
        let shot = try #require(try parse(["agent", "screenshot", "--name", "bot", "-o", "-"]) as? AgentScreenshotCommand)
        #expect(try shot.capture.options() == CaptureOptions())
        #expect(shot.lease == nil && shot.capture.output == "-")
        let sized = try #require(try parse(["agent", "--name", "b", "screenshot", "-o", "x.png", "--size", "640x400", "--settle"]) as? AgentScreenshotCommand)
        #expect(try sized.capture.options() == CaptureOptions(size: .box(width: 640, height: 400), settle: CaptureSettle()))
        let actual = try #require(try parse(["agent", "--name", "b", "screenshot", "-o", "x.png", "--size", "desktop"]) as? AgentScreenshotCommand)
        #expect(try actual.capture.options().size == .actual)
    }

    @Test func operatorScreenshotAndApproveCapture() throws {
        let shot = try #require(try parse(["screenshot", "--lease", "L7", "-o", "out.png", "--control-socket", "/tmp/c.sock", "--format", "raw"]) as? ScreenshotCommand)
        #expect(shot.lease == "L7" && shot.control.socketPath == "/tmp/c.sock")
        #expect(try shot.capture.options().format == .raw)
        let approve = try #require(try parse(["approve", "L7", "--capture"]) as? ApproveCommand)
        #expect(approve.capture && approve.lease.id == "L7")
        let plain = try #require(try parse(["approve", "L7"]) as? ApproveCommand)
        #expect(!plain.capture)
    }

    @Test("the screenshot verbs are listed", arguments: [["--help"], ["agent", "--help"]])
    func listed(_ args: [String]) {
        do {
            var help = try parse(args)
            try help.run()
            Issue.record("\(args) ran")
        } catch {
            let (_, message, _) = MuxctlCommand.report(error)
            #expect(message?.contains("  screenshot ") == true, "\(message ?? "")")
        }
    }

    @Test("bad screenshot command lines are bad input", arguments: [
        ["agent", "--name", "a", "screenshot"],
        ["agent", "screenshot", "-o", "x.png"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--format", "gif"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--quality", "50"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--format", "jpeg", "--quality", "0"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--size", "grid"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--size", "9000x10"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--rect", "1,2"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--settle-quiet-ms", "50"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--settle", "--settle-max-ms", "40000"],
        ["agent", "--name", "a", "screenshot", "-o", "x.png", "--lease", "Lx"],
        ["screenshot", "-o", "x.png"],
        ["screenshot", "--lease", "nope", "-o", "x.png"],
    ])
    func badScreenshotLines(_ args: [String]) {
        do {
            _ = try parse(args)
            Issue.record("\(args) parsed")
        } catch {
            let (status, _, toStdout) = MuxctlCommand.report(error)
            #expect(status == ExitStatus.badInput.rawValue, "\(args)")
            #expect(!toStdout)
        }
    }

    @Test func aLeaseHolderLeavesScreenshotsToTheRelayVerb() {
        // Not a gesture verb: the command runs itself and sends the holder `capture <json>`.
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "screenshot", "-o", "x.png"], agentName: "bot") == nil)
    }
}
