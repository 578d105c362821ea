import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// `muxctl agent move X Y`
struct AgentMoveCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(commandName: "move", abstract: "Move the agent's pointer to X Y.")

    @OptionGroup var agent: AgentOptions
    @Argument var x: Int
    @Argument var y: Int

    func validate() throws { try agent.requireName() }

    func actions() -> [AgentAction] { [.move(Point(x: x, y: y))] }
}
