import ArgumentParser

struct PassthroughBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passthrough", abstract: "Passthrough latency (inside the VM).")
    @Flag var json = false
    func run() throws { throw ValidationError("not built yet") }
}
