import ArgumentParser
import Foundation
import InputMuxClient
import InputMuxMCP
@testable import inputmux_mcp
import Testing

/// `inputmux-mcp`: its options, and the usage errors that never start a server.
@Suite struct MCPCommandLineTests {
    func parse(_ args: [String]) throws -> any ParsableCommand { try InputMuxMCPCommand.parseAsRoot(args) }

    @Test func optionsAndDefaults() throws {
        let mcp = try #require(try parse(["--name", "claude-1", "--region", "0,0,960,1080", "--coordinates", "wxga",
                                          "--timeout", "5", "--agent-socket", "/tmp/a.sock"]) as? InputMuxMCPCommand)
        #expect(mcp.name == "claude-1")
        #expect(mcp.region.flatMap(Region.init(parsing:)) == Region(x: 0, y: 0, width: 960, height: 1080))
        #expect(CoordinateSpace(parsing: mcp.coordinates) == .scaled(width: 1280, height: 800))
        #expect(mcp.timeout == 5 && mcp.socket == "/tmp/a.sock" && !mcp.noKeyboard)
        let plain = try #require(try parse(["--name", "a"]) as? InputMuxMCPCommand)
        #expect(plain.region == nil && plain.coordinates == "desktop" && plain.timeout == 30)
        let aDay = try #require(try parse(["--name", "a", "--timeout", "86400"]) as? InputMuxMCPCommand)
        #expect(aDay.timeout == 86400)
    }

    @Test("bad input is a usage error naming the option", arguments: [
        ([], "--name"),
        (["--name", ""], "--name"),
        (["--name", "a", "--region", "0,0,0,5"], "--region"),
        (["--name", "a", "--coordinates", "huge"], "--coordinates"),
        (["--name", "a", "--timeout", "-1"], "--timeout"),
        // Second counts that would trap the conversion to milliseconds (issue 15).
        (["--name", "a", "--timeout", "1e300"], "--timeout"),
        (["--name", "a", "--timeout", "inf"], "--timeout"),
        (["--name", "a", "--timeout", "nan"], "--timeout"),
        (["--name", "bot\u{1B}[2J"], "--name"),
    ])
    func badInput(args: [String], option: String) {
        do {
            _ = try parse(args)
            Issue.record("\(args) parsed")
        } catch {
            #expect(InputMuxMCPCommand.exitCode(for: error) != .success)
            #expect(InputMuxMCPCommand.fullMessage(for: error).contains(option), "\(InputMuxMCPCommand.fullMessage(for: error))")
        }
    }

    @Test func helpTellsWhatScreenshotsShow() {
        // Help is wrapped to the terminal: compare with the line breaks taken out.
        let help = InputMuxMCPCommand.helpMessage().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("The screenshot action shows this session's lease only"))
        for option in ["--coordinates", "--screenshot-size", "--screenshot-after-actions", "--no-settle"] {
            #expect(help.contains(option), "\(option)")
        }
    }

    @Test func screenshotOptionsReachTheSession() throws {
        let c = try InputMuxMCPCommand.parse(["--name", "a", "--coordinates", "wxga", "--screenshot-size", "xga", "--screenshot-after-actions", "--no-settle"])
        #expect(c.screenshotSize == "xga" && c.screenshotAfterActions && c.noSettle)
        #expect(throws: (any Error).self) { try InputMuxMCPCommand.parse(["--name", "a", "--screenshot-size", "grid"]) }
        #expect(throws: (any Error).self) { try InputMuxMCPCommand.parse(["--name", "a", "--screenshot-size", "0x5"]) }
        // Without --screenshot-size the coordinate box is the screenshot's.
        let configuration = ComputerUseSession.Configuration(name: "a", coordinates: .scaled(width: 1280, height: 800))
        #expect(configuration.captureSize(for: Region(x: 0, y: 0, width: 960, height: 1080)) == .box(width: 1280, height: 800))
        #expect(ComputerUseSession.Configuration(name: "a").captureSize(for: Region(x: 0, y: 0, width: 960, height: 1080)) == .actual)
        #expect(ComputerUseSession.Configuration(name: "a", coordinates: .grid(1000)).captureSize(for: Region(x: 0, y: 0, width: 1920, height: 1080))
            == .box(width: 1366, height: 768))
    }

    @Test func theAgentSocketIsTheOptionsElseTheConfigurations() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inputmux-mcp-\(getpid()).toml").path
        try "[sockets]\nagent = \"/tmp/inputmux-mcp-test/agent.sock\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let option = try #require(try parse(["--name", "a", "--config", path, "--agent-socket", "/tmp/b.sock"]) as? InputMuxMCPCommand)
        #expect(option.agentSocket == "/tmp/b.sock")
        // The environment comes before the configuration, as for muxctl.
        if ProcessInfo.processInfo.environment["INPUTMUX_AGENT_SOCKET"] == nil {
            let configured = try #require(try parse(["--name", "a", "--config", path]) as? InputMuxMCPCommand)
            #expect(configured.agentSocket == "/tmp/inputmux-mcp-test/agent.sock")
        }
    }
}
