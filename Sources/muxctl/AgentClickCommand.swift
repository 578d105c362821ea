import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay

/// `muxctl agent click [X Y]`
struct AgentClickCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(commandName: "click", abstract: "Click at X Y (or where the agent's pointer is).")

    @OptionGroup var agent: AgentOptions
    @Argument(help: "Position (both or neither).") var position: [Int] = []
    @Option(help: "left, right, middle, back or forward.") var button = "left"
    @Option(help: "1, 2 (double) or 3 (triple).") var count = 1
    @Option(help: ArgumentHelp("Held during the click, e.g. ctrl+shift.", valueName: "keys")) var modifiers: String?

    func validate() throws {
        try agent.requireName()
        guard position.isEmpty || position.count == 2 else { throw ValidationError("give X and Y, or neither") }
    }

    func actions() throws(CLIError) -> [AgentAction] {
        let at = position.isEmpty ? nil : Point(x: position[0], y: position[1])
        let mods = modifiers.map { $0.split(separator: "+").map(String.init) } ?? []
        return [try AgentAction.click(at: at, button: .parse(button), count: count, modifiers: mods).validated()]
    }
}
