import InputMuxCLI

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
    static func forwarded(_ arguments: [String], agentName name: String) -> [AgentAction]? {
        guard let verb = try? MuxctlCommand.parseAsRoot(arguments) as? any AgentGestureVerb, verb.agent.name == name else { return nil }
        return try? verb.actions()
    }
}
