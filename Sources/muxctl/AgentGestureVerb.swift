import InputMuxCLI
import InputMuxRelay

/// An agent verb that only plays gestures (click, move, drag, scroll, key, type). A lease
/// holder plays such a command line for a later `muxctl agent` process
/// (`AgentRelay.forwardToHolder`), so each verb says its gestures in one place.
protocol AgentGestureVerb {
    var agent: AgentOptions { get }
    /// The gestures to play, checked.
    func actions() throws(CLIError) -> [AgentAction]
}

extension AgentGestureVerb {
    func run() async throws {
        try await agent.play(try actions())
    }
}

extension MuxctlCommand {
    /// The gestures of a forwarded command line when it is a gesture verb of the agent
    /// `name`; nil leaves the command to its own process (other verbs and agents, help,
    /// anything that does not parse or check), which reports it as usual.
    ///
    /// A forwarded line is always `agent …` (`AgentRelay.agentNameHint`), and muxctl's root
    /// declares no option of its own, so the rest is parsed from `agent` down: the same
    /// command types, without the root's checks of every other verb tree.
    static func forwarded(_ arguments: [String], agentName name: String) -> [AgentAction]? {
        guard arguments.first == AgentCommand.configuration.commandName,
              let verb = try? AgentCommand.parseAsRoot(Array(arguments.dropFirst())) as? any AgentGestureVerb,
              verb.agent.name == name else { return nil }
        return try? verb.actions()
    }
}
