import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// `muxctl agent move X Y`
struct AgentMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "move", abstract: "Move the agent's pointer to X Y.")

    @OptionGroup var agent: AgentOptions
    @Argument var x: Int
    @Argument var y: Int

    func run() async throws {
        try await agent.play([.move(Point(x: x, y: y))])
    }
}
