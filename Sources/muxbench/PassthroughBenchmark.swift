import ArgumentParser
import Glibc
import InputMuxLinux

/// `muxbench passthrough`: the human's input path, against the bare kernel hop and
/// interception-tools, on the same "physical" device. Runs as root where /dev/uinput
/// exists (the QEMU guest: `bash vm/bench.sh`).
struct PassthroughBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passthrough",
        abstract: "Passthrough latency: bare kernel hop vs grab → clone vs interception-tools (as root, with /dev/uinput).")

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Option(help: "Frames measured per path (after a warm-up of 200).")
    var frames = 10_000

    func validate() throws {
        if frames < 100 { throw ValidationError("--frames must be at least 100 for a p99 to mean anything") }
    }

    func run() throws {
        let warmup = 200
        let physical = try UinputDevice(PassthroughProbe.physicalSpec())
        func measured(_ node: String) throws -> LatencySummary {
            let all = try PassthroughProbe.measure(physical: physical, targetNode: node, count: warmup + frames)
            return LatencySummary(Array(all.dropFirst(warmup)))
        }

        let bare = try measured(physical.devnode)

        let inputmux = try PassthroughPaths.startInputMux(physicalNode: physical.devnode)
        let ours: LatencySummary
        do { ours = try measured(inputmux.cloneNode) } catch { _ = inputmux.stop(); throw error }
        let (allocations, pumped) = inputmux.stop()

        var interception: LatencySummary?
        var interceptionNote: String?
        do {
            let tool = try PassthroughPaths.startInterception(physical: physical)
            defer { tool.stop() }
            interception = try measured(tool.node)
        } catch {
            interceptionNote = "\(error)"
        }

        let report = PassthroughReport(frames: frames, bare: bare, inputmux: ours, interception: interception,
                                       interceptionNote: interceptionNote, allocations: allocations, pumpedFrames: pumped)
        print(json ? report.json() : report.table())
    }
}
