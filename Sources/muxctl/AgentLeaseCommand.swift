import ArgumentParser

/// `muxctl agent lease acquire|release|status`
struct AgentLeaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Hold a lease across commands: acquire, status, release.",
        subcommands: [AgentLeaseAcquireCommand.self, AgentLeaseStatusCommand.self, AgentLeaseReleaseCommand.self,
                      AgentLeaseHoldCommand.self]
    )
    // Declared here too so the options may come before the verb
    // (`muxctl agent --name N click X Y`); the verb reads the same values.
    @OptionGroup var agent: AgentOptions
}
