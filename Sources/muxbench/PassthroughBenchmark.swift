import ArgumentParser
import CInputMuxShim
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

    /// Pinned by default: under QEMU's TCG a wake-up across virtual CPUs costs an emulated
    /// IPI, whose cost (and its noise) would swamp what is measured here.
    @Option(help: "Pin the benchmark and every process it starts (readers, the passthrough, interception-tools) to this CPU.")
    var cpu = 0

    @Flag(help: "Do not pin: let the scheduler place the processes.")
    var noPin = false

    func validate() throws {
        if frames < 100 { throw ValidationError("--frames must be at least 100 for a p99 to mean anything") }
    }

    /// Each path gets its own "physical" device (the passthrough and interception-tools
    /// grab theirs), and the paths take turns in rounds, so that a busy host (TCG shares
    /// two cores with everything else) weighs on all three alike.
    func run() throws {
        if !noPin {
            // Children inherit the affinity, so all three paths run under the same placement.
            if inputmux_pin_to_cpu(Int32(cpu)) != 0 { throw ValidationError("cannot pin to CPU \(cpu): errno \(errno)") }
        }
        let warmup = 200, rounds = 10
        let perRound = (frames + rounds - 1) / rounds
        let bareDevice = try UinputDevice(PassthroughProbe.physicalSpec("bare"))
        let oursDevice = try UinputDevice(PassthroughProbe.physicalSpec("inputmux"))
        let toolDevice = try UinputDevice(PassthroughProbe.physicalSpec("interception"))

        let inputmux = try PassthroughPaths.startInputMux(physicalNode: oursDevice.devnode)
        var tool: (node: String, stop: () -> Void)?
        var interceptionNote: String?
        do { tool = try PassthroughPaths.startInterception(physical: toolDevice) } catch { interceptionNote = "\(error)" }
        defer { tool?.stop() }

        var bare: [Int64] = [], ours: [Int64] = [], viaTool: [Int64] = []
        do {
            _ = try PassthroughProbe.measure(physical: bareDevice, targetNode: bareDevice.devnode, count: warmup)
            _ = try PassthroughProbe.measure(physical: oursDevice, targetNode: inputmux.cloneNode, count: warmup)
            if let tool { _ = try PassthroughProbe.measure(physical: toolDevice, targetNode: tool.node, count: warmup) }
            for _ in 0..<rounds {
                bare += try PassthroughProbe.measure(physical: bareDevice, targetNode: bareDevice.devnode, count: perRound)
                ours += try PassthroughProbe.measure(physical: oursDevice, targetNode: inputmux.cloneNode, count: perRound)
                if let tool, interceptionNote == nil {
                    do { viaTool += try PassthroughProbe.measure(physical: toolDevice, targetNode: tool.node, count: perRound) }
                    catch { interceptionNote = "\(error)" }
                }
            }
        } catch {
            _ = inputmux.stop()
            throw error
        }
        let (allocations, pumped) = inputmux.stop()

        let report = PassthroughReport(
            frames: bare.count, bare: LatencySummary(bare), inputmux: LatencySummary(ours),
            interception: viaTool.isEmpty || interceptionNote != nil ? nil : LatencySummary(viaTool),
            interceptionNote: interceptionNote, allocations: allocations, pumpedFrames: pumped,
            pinnedCPU: noPin ? nil : cpu)
        print(json ? report.json() : report.table())
    }
}
