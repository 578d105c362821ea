import ArgumentParser
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// `muxbench daemon`: inputmuxd end to end against the real kernel (as root, with
/// /dev/uinput: the QEMU guest through `bash vm/bench.sh`). Injection and typing against
/// ydotool as Debian ships it, measured in the same run in interleaved rounds; lease
/// grants with hundreds of sessions; the human's passthrough while agents flood the
/// daemon; the daemon's memory. Prints tables; `--json PATH` also writes one JSON object.
struct DaemonBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "inputmuxd end to end: injection and typing vs ydotool, lease grants, passthrough under flood, memory (as root, with /dev/uinput).")

    enum Section: String, CaseIterable, ExpressibleByArgument { case injection, typing, leases, flood, memory }

    @Option(help: "Also write the results as one JSON object to this file.")
    var json: String?

    @Option(parsing: .upToNextOption, help: "Sections to run (default: all): injection typing leases flood memory.")
    var only: [Section] = Section.allCases

    @Option(help: "Interleaved rounds of the injection and typing comparison.")
    var rounds = 3

    @Option(help: "Clicks per agent per round through inputmuxd with pacing off (pacing on: a quarter).")
    var clicks = 100

    @Option(help: "ydotool clicks per round, one at a time (8 at once: a third of this per process lane).")
    var ydotoolClicks = 12

    @Option(help: "Sessions connected while lease grants are timed.")
    var sessions = 256

    @Option(help: "Lease grants timed.")
    var grants = 1000

    @Option(help: "Sessions connected when the daemon's memory is read.")
    var memorySessions = 64

    @Option(help: "Agents flooding the daemon while the human's passthrough is timed.")
    var floodAgents = 16

    @Option(help: "Passthrough frames timed per state (idle, flood), over 20 interleaved rounds.")
    var floodFrames = 8000

    /// The sentence both sides type: 54 characters, letters, spaces and digits.
    static let sentence = "The quick brown fox jumps over the lazy dog 1234567890"

    func validate() throws {
        if rounds < 1 || clicks < 4 || ydotoolClicks < 3 { throw ValidationError("--rounds ≥ 1, --clicks ≥ 4, --ydotool-clicks ≥ 3") }
        if sessions < memorySessions { throw ValidationError("--sessions must be at least --memory-sessions") }
    }

    func run() throws {
        guard getuid() == 0, access("/dev/uinput", W_OK) == 0 else {
            throw ValidationError("muxbench daemon needs root and /dev/uinput (run it in the VM: bash vm/bench.sh)")
        }
        var results: [String: JSONValue] = ["benchmark": "daemon"]
        // A section that fails says why in its place and the others still run; the
        // command then exits with 1.
        var failedSections = 0
        func section(_ names: [String], _ body: () throws -> Void) {
            do { try body() } catch {
                failedSections += 1
                print("\(names.joined(separator: ", ")): FAILED: \(error)\n")
                for n in names { results[n] = ["error": .string("\(error)")] }
            }
        }
        if only.contains(.injection) || only.contains(.typing) {
            section(["injection", "typing"]) {
                let r = try InjectionComparison.run(rounds: rounds, clicks: clicks, ydotoolClicks: ydotoolClicks,
                                                    typing: only.contains(.typing), sentence: Self.sentence)
                if only.contains(.injection) { results["injection"] = r.injectionJSON(); print(r.injectionTable()) }
                if only.contains(.typing) { results["typing"] = r.typingJSON(); print(r.typingTable()) }
            }
        }
        if only.contains(.leases) || only.contains(.memory) {
            section(["lease_grant", "memory"]) {
                let r = try SessionScale.run(sessions: only.contains(.leases) ? sessions : memorySessions,
                                             memorySessions: memorySessions, grants: only.contains(.leases) ? grants : 0)
                if only.contains(.leases) { results["lease_grant"] = r.leaseJSON(); print(r.leaseTable()) }
                if only.contains(.memory) { results["memory"] = r.memoryJSON(); print(r.memoryTable()) }
            }
        }
        if only.contains(.flood) {
            section(["passthrough_under_flood"]) {
                let r = try PassthroughUnderFlood.run(agents: floodAgents, frames: floodFrames)
                results["passthrough_under_flood"] = r.json()
                print(r.table())
            }
        }
        if let json {
            try BenchDaemon.write(json, JSONValue.object(results).serialized + "\n")
        }
        if failedSections > 0 { throw ExitCode(1) }
    }
}
