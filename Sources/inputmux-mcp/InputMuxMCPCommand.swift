import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxMCP
import enum InputMuxWire.PrintableText

/// `inputmux-mcp`: the computer-use tools for an MCP client, over stdio. Each process is
/// one agent session with its own lease; stdout carries only MCP messages.
///
/// A program of its own, not a muxctl verb: the MCP SDK links Foundation's networking
/// library (and so libcurl) for a transport InputMux does not use, and muxctl, which
/// scripts start once per gesture, links neither.
@main
struct InputMuxMCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inputmux-mcp",
        abstract: "Serve computer-use tools to an MCP client over stdio (one agent session, one lease).",
        discussion: """
        Register it with an MCP client as a stdio server, e.g. \
        {"command": "inputmux-mcp", "args": ["--name", "claude-1", "--region", "0,0,960,1080"]}. \
        Tools: computer (Anthropic actions), computer_actions (OpenAI action batches), cursor_position, \
        lease_acquire, lease_release, lease_status. The screenshot action shows this session's lease only, \
        settled after its last action; after one, the model's coordinates are that screenshot's pixels. \
        See docs/MCP.md.
        """
    )

    /// The longest `--timeout`: a day, as for muxctl's agent verbs.
    static let maximumTimeout: Double = 86_400

    @Option(name: .customLong("name"), help: ArgumentHelp("The agent's name (1-64 bytes of UTF-8, printable; policy decides which names a uid may use).", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("The region leased on first use, x,y,w,h or x,y,WxH (default: the whole desktop).", valueName: "x,y,w,h"))
    var region: String?

    @Option(help: ArgumentHelp("The space the model's coordinates are in: desktop, xga, wxga, fwxga, WxH (a scaled screenshot), grid, grid:N, unit.", valueName: "space"))
    var coordinates = "desktop"

    @Option(name: .customLong("screenshot-size"), help: ArgumentHelp(
        "The box screenshots are fitted into, keeping the aspect ratio: WxH, xga, wxga, fwxga or desktop (default: the --coordinates box; desktop pixels for --coordinates desktop).", valueName: "size"))
    var screenshotSize: String?

    @Flag(name: .customLong("screenshot-after-actions"), help: "Every acting call returns a settled screenshot (computer: after the action; computer_actions: after the batch).")
    var screenshotAfterActions = false

    @Flag(name: .customLong("no-settle"), help: "Screenshots do not wait for the lease's area to settle after the last action.")
    var noSettle = false

    @Flag(name: .customLong("no-keyboard"), help: "Lease the pointer only (keys and typing are then refused).")
    var noKeyboard = false

    @Option(help: ArgumentHelp("Seconds an action waits for a queued lease before answering that it is queued.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("agent-socket"), help: ArgumentHelp(
        "The daemon's agent socket (env INPUTMUX_AGENT_SOCKET; default: the configuration's, /run/inputmux/agent.sock).", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "The daemon's configuration, read for the agent socket (env INPUTMUX_CONFIG; default /etc/inputmux/inputmux.toml).", valueName: "path"))
    var config: String?

    func validate() throws {
        if let problem = PrintableText.nameProblem(name) {
            throw ValidationError("--name: \(problem); give 1 to 64 bytes of UTF-8, printable characters, e.g. --name claude-1")
        }
        if let region, Region(parsing: region) == nil {
            throw ValidationError("--region: x,y,w,h or x,y,WxH in desktop pixels, e.g. 0,0,960,1080")
        }
        guard CoordinateSpace(parsing: coordinates) != nil else {
            throw ValidationError("--coordinates: desktop, xga, wxga, fwxga, WxH (e.g. 1280x800), grid, grid:N or unit")
        }
        if let screenshotSize {
            do { _ = try CaptureSize(parsing: screenshotSize) } catch { throw ValidationError("--screenshot-size: " + error.message) }
        }
        // Checked here so the conversion to milliseconds in run() cannot trap (1e300, inf).
        guard timeout >= 0, timeout <= Self.maximumTimeout else {
            throw ValidationError("--timeout: 0 to \(Int(Self.maximumTimeout)) seconds (a day)")
        }
    }

    /// The agent socket: `--agent-socket`, else `INPUTMUX_AGENT_SOCKET`, the
    /// configuration's, the default (the same order as muxctl's).
    var agentSocket: String {
        let environment = ProcessInfo.processInfo.environment
        if let socket { return socket }
        let path = ConfiguredPaths.configPath(option: config, environment: environment)
        return ConfiguredPaths.load(configPath: path, environment: environment).agentSocket
    }

    func run() async throws {
        let session = ComputerUseSession(configuration: .init(
            name: name,
            socketPath: agentSocket,
            region: region.flatMap(Region.init(parsing:)),
            keyboard: !noKeyboard,
            coordinates: CoordinateSpace(parsing: coordinates) ?? .desktop,
            acquireTimeout: .milliseconds(Int(timeout * 1000)),
            screenshotSize: screenshotSize.flatMap { try? CaptureSize(parsing: $0) },
            screenshotAfterActions: screenshotAfterActions,
            settle: noSettle ? nil : CaptureSettle()))
        try await InputMuxMCPServer.runOnStdio(session: session)
    }
}
