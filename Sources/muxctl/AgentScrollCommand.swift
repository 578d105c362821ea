import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay

/// `muxctl agent scroll [X Y] --dy N`
struct AgentScrollCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(commandName: "scroll", abstract: "Scroll at X Y (or at the pointer): --dy down, --dx right; negative goes back.")

    @OptionGroup var agent: AgentOptions
    @Argument(help: "Position (both or neither).") var position: [Int] = []
    @Option(help: "Right (positive) or left.") var dx = 0
    @Option(help: "Down (positive) or up.") var dy = 0
    @Option(help: "notches (wheel clicks) or pixels.") var unit = "notches"

    func validate() throws {
        try agent.requireName()
        guard position.isEmpty || position.count == 2 else { throw ValidationError("give X and Y, or neither") }
    }

    func actions() throws(CLIError) -> [AgentAction] {
        let at = position.isEmpty ? nil : Point(x: position[0], y: position[1])
        return [try AgentAction.scroll(at: at, dx: dx, dy: dy, unit: .parse(unit)).validated()]
    }
}
