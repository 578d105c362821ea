import ArgumentParser
import InputMuxCLI
import InputMuxRelay

/// `muxctl agent --name N lease status`
struct AgentLeaseStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the lease this agent holds through muxctl (exit 1 when none).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var json: JSONFlag

    func validate() throws { try agent.requireName() }

    func run() throws {
        guard AgentRelay.holderListens(at: agent.relayPath) else {
            throw CLIError(.failure, "agent \"\(agent.name)\" holds no lease through muxctl (`lease acquire` takes one)")
        }
        let status = try HolderStatus(json: try AgentRelay.send("status", to: agent.relayPath).get() ?? "{}")
        print(json.enabled ? JSONOutput.render(status.document) : status.text)
    }
}
