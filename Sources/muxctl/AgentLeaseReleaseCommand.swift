import ArgumentParser
import InputMuxCLI
import InputMuxRelay

/// `muxctl agent --name N lease release`
struct AgentLeaseReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Release the lease this agent holds through muxctl and end its holder.")

    @OptionGroup var agent: AgentOptions

    func validate() throws { try agent.requireName() }

    func run() throws {
        guard AgentRelay.holderListens(at: agent.relayPath) else {
            throw CLIError(.failure, "agent \"\(agent.name)\" holds no lease through muxctl")
        }
        _ = try AgentRelay.send("release", to: agent.relayPath).get()
        print("released")
    }
}
