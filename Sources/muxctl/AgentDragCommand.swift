import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay

/// `muxctl agent drag X1 Y1 X2 Y2 [X3 Y3 …]`
struct AgentDragCommand: AsyncParsableCommand, AgentGestureVerb {
    static let configuration = CommandConfiguration(commandName: "drag", abstract: "Press at the first point, move along the others, release at the last.")

    @OptionGroup var agent: AgentOptions
    @Argument(help: "X1 Y1 X2 Y2 …: at least two points.") var coordinates: [Int] = []
    @Option(help: "left, right, middle, back or forward.") var button = "left"
    @Option(help: ArgumentHelp("Held during the drag, e.g. shift.", valueName: "keys")) var modifiers: String?

    func validate() throws {
        try agent.requireName()
        guard coordinates.count >= 4, coordinates.count % 2 == 0 else { throw ValidationError("give at least two points as X1 Y1 X2 Y2") }
    }

    func actions() throws(CLIError) -> [AgentAction] {
        let path = stride(from: 0, to: coordinates.count, by: 2).map { Point(x: coordinates[$0], y: coordinates[$0 + 1]) }
        let mods = modifiers.map { $0.split(separator: "+").map(String.init) } ?? []
        return [try AgentAction.drag(path: path, button: .parse(button), modifiers: mods).validated()]
    }
}
