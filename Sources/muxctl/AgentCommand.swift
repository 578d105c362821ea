import ArgumentParser

/// `muxctl agent`: act as a leased agent from the shell, the leased successor to ydotool.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Act as a leased agent: click, move, drag, scroll, key, type, run a gesture script, screenshot.",
        discussion: """
        Each verb runs in its own session (connect, lease, act, release) unless `lease acquire` \
        left a lease holder for this --name: then verbs go through it, sharing one session, \
        one pair of virtual devices and one lease, until `lease release`.

        Coordinates are absolute logical desktop pixels. Key names in xdotool syntax \
        (ctrl+shift+t, Return, KP_0); OpenAI names (CTRL, ENTER, ARROWLEFT) work too.
        """,
        subcommands: [
            AgentClickCommand.self, AgentMoveCommand.self, AgentDragCommand.self, AgentScrollCommand.self,
            AgentKeyCommand.self, AgentTypeCommand.self, AgentRunCommand.self, AgentScreenshotCommand.self, AgentLeaseCommand.self,
        ]
    )
    // Declared here too so the options may come before the verb
    // (`muxctl agent --name N click X Y`); the verb reads the same values.
    @OptionGroup var agent: AgentOptions
}
