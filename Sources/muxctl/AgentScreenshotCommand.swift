import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay

/// `muxctl agent screenshot -o FILE`: what the agent's lease shows.
struct AgentScreenshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screenshot",
        abstract: "Capture what the agent's lease shows into a file (PNG, JPEG or raw RGBA).",
        discussion: """
        Goes through the agent's lease holder when `lease acquire` left one (the capture then \
        waits for the gestures sent before it), else leases, captures and releases in a session \
        of its own. Prints the desktop rectangle shown, the image size, its SHA-256 and the \
        transform: image pixel (px, py) shows desktop pixel origin + round((p + 0.5) / scale - 0.5).
        """)

    @OptionGroup var agent: AgentOptions
    @OptionGroup var capture: CaptureArguments

    @Option(help: ArgumentHelp("The lease to show (default: the holder's lease, or the one this command acquires).", valueName: "lease"))
    var lease: String?

    func validate() throws {
        try agent.requireName()
        if let lease, LeaseArgument.normalized(lease) == nil { throw ValidationError("--lease: \"\(lease)\" is not a lease id such as L12") }
    }

    func run() async throws {
        let options = try capture.options()
        let named = lease.flatMap(LeaseArgument.normalized)
        let relay = agent.relayPath
        if AgentRelay.holderListens(at: relay) {
            return try capture.deliver(try AgentCapture.viaHolder(at: relay, lease: named, options))
        }
        let client = try await AgentSession.connect(socketPath: agent.socketPath, name: agent.name)
        defer { client.close() }
        let held = try await AgentSession.acquire(client, try agent.leaseOptions())
        let shot: Screenshot
        do {
            shot = try await (named == nil || named == held.id ? held.capture(options) : client.capture(lease: named, options))
        } catch {
            try? await held.release()
            throw AgentSession.failure(error)
        }
        try? await held.release()
        try capture.deliver(shot)
    }
}
