import ArgumentParser
import InputMuxCLI
import InputMuxRelay

/// `muxctl agent key CHORD…`
struct AgentKeyCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Press key chords in order, e.g. ctrl+s Return.",
        discussion: "Keys need the keyboard lease and focus evidence: click inside the region first (the daemon refuses keys after a human click elsewhere).")

    @OptionGroup var agent: AgentOptions
    @Argument(help: "Chords in xdotool syntax.") var chords: [String] = []
    @Option(name: .customLong("repeat"), help: "Press each chord this many times.") var times = 1

    func validate() throws {
        try agent.requireName()
        guard !chords.isEmpty else { throw ValidationError("give at least one chord, e.g. ctrl+s") }
    }

    func actions() throws(CLIError) -> [AgentAction] {
        try chords.map { c throws(CLIError) in try AgentAction.key(c, repeat: times).validated() }
    }
}
