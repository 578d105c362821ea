import ArgumentParser
import InputMuxClient
@testable import MuxctlCommands
import Testing

/// `muxctl mcp`: its options, and the usage errors that never start a server.
@Suite struct MCPCommandLineTests {
    func parse(_ args: [String]) throws -> any ParsableCommand { try MuxctlCommand.parseAsRoot(args) }

    @Test func optionsAndDefaults() throws {
        let mcp = try #require(try parse(["mcp", "--name", "claude-1", "--region", "0,0,960,1080", "--coordinates", "wxga",
                                          "--timeout", "5", "--agent-socket", "/tmp/a.sock"]) as? MCPCommand)
        #expect(mcp.name == "claude-1")
        #expect(mcp.region.flatMap(Region.init(parsing:)) == Region(x: 0, y: 0, width: 960, height: 1080))
        #expect(CoordinateSpace(parsing: mcp.coordinates) == .scaled(width: 1280, height: 800))
        #expect(mcp.timeout == 5 && mcp.socket == "/tmp/a.sock" && !mcp.noKeyboard)
        let plain = try #require(try parse(["mcp", "--name", "a"]) as? MCPCommand)
        #expect(plain.region == nil && plain.coordinates == "desktop" && plain.timeout == 30)
    }

    @Test("bad input is a usage error naming the option", arguments: [
        (["mcp"], "--name"),
        (["mcp", "--name", ""], "--name"),
        (["mcp", "--name", "a", "--region", "0,0,0,5"], "--region"),
        (["mcp", "--name", "a", "--coordinates", "huge"], "--coordinates"),
        (["mcp", "--name", "a", "--timeout", "-1"], "--timeout"),
    ])
    func badInput(args: [String], option: String) {
        do {
            _ = try parse(args)
            Issue.record("\(args) parsed")
        } catch {
            #expect(MuxctlCommand.exitCode(for: error) != .success)
            #expect(MuxctlCommand.fullMessage(for: error).contains(option), "\(MuxctlCommand.fullMessage(for: error))")
        }
    }

    @Test func helpSaysScreenshotsAreNotItsJob() {
        // Help is wrapped to the terminal: compare with the line breaks taken out.
        let help = MuxctlCommand.helpMessage(for: MCPCommand.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Screenshots are not InputMux's job"))
        #expect(help.contains("--coordinates"))
    }
}
