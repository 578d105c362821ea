import ArgumentParser
import InputMuxCLI

/// `muxctl agent type TEXT…`
struct AgentTypeCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(
        commandName: "type", abstract: "Type text through the desktop's keymap (the words are joined by spaces).",
        discussion: "The daemon checks the whole text first: a character the keymap cannot produce is reported by position and nothing is typed (exit 2).")

    @OptionGroup var agent: AgentOptions
    @Argument(help: "The text.") var words: [String] = []

    func validate() throws {
        try agent.requireName()
        guard !words.isEmpty else { throw ValidationError("give the text to type") }
    }

    func actions() -> [AgentAction] { [.type(words.joined(separator: " "))] }
}
