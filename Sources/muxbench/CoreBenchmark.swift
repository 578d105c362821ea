import ArgumentParser

struct CoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "core", abstract: "Pure engine benchmark.")
    @Flag var json = false
    func run() throws { throw ValidationError("not built yet") }
}
