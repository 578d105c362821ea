import ArgumentParser

/// `muxbench`: benchmarks that print tables (and one JSON object with `--json`).
@main
struct MuxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muxbench",
        abstract: "InputMux benchmarks: measured side by side, printed as tables.",
        subcommands: [CoreBenchmark.self, PassthroughBenchmark.self, DaemonBenchmark.self, FloodAgents.self, X11Benchmark.self, CaptureBenchmark.self, SeatsBenchmark.self]
    )
}
