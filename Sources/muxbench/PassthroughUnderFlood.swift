import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// The human's passthrough through inputmuxd (write on a "physical" device the daemon
/// grabbed → read on its clone, as `muxbench passthrough` measures it), idle and while
/// `agents` sessions flood the daemon with clicks, in 10 interleaved rounds.
///
/// The human's side (the writer and the reader standing for the compositor) runs on
/// CPU 0; inputmuxd is placed by the scheduler, as deployed. The flooding agents' own
/// processes run two ways, in turns within each round: placed by the scheduler, where on
/// a two-CPU guest they and the reader fight for the same CPUs whatever the daemon does;
/// and kept on CPU 1, where what is left on the human's CPU is the daemon's agent work.
struct PassthroughUnderFlood {
    var agents: Int
    var idle: [Int64] = []
    var flood: [Int64] = []
    var floodApart: [Int64] = []
    var floodOK = 0
    var floodRejected = 0
    /// The flood kept off the human's CPU (needs a second CPU).
    var apart: Bool { cpus > 1 }
    var cpus = 1

    static let goalRatio = 1.2

    static func run(agents: Int, frames: Int) throws -> PassthroughUnderFlood {
        var r = PassthroughUnderFlood(agents: agents)
        let physical = try UinputDevice(PassthroughProbe.physicalSpec("flood"))
        // Quiet period 0: the human's frames do not pause the agents, so the flood goes on
        // while the human's frames are timed.
        let daemon = try BenchDaemon(pacing: false, quietPeriodMs: 0)
        let clone = try daemon.clone(of: physical.devnode)
        let flooder = try FloodProcess(socket: daemon.agentSocket, agents: agents)
        defer { flooder.stop() }
        r.cpus = CPUPlacement.online
        // The human's side on CPU 0 (the reader is forked per measurement and inherits it);
        // the daemon and the flood process started before, unpinned.
        if inputmux_pin_to_cpu(0) != 0 { throw BenchError("cannot pin to CPU 0: errno \(errno)") }
        defer { _ = inputmux_set_thread_cpu(0, -1) }
        let rounds = 10, perRound = max(10, frames / rounds)
        _ = try PassthroughProbe.measure(physical: physical, targetNode: clone, count: 200)
        func flooding(onCPU cpu: Int32) throws -> [Int64] {
            try flooder.place(cpu: cpu)
            flooder.command("f")
            MonotonicClock.sleep(.milliseconds(200))
            let latencies = try PassthroughProbe.measure(physical: physical, targetNode: clone, count: perRound)
            let counts = flooder.command("i", expectLine: true)
            r.floodOK += counts.0
            r.floodRejected += counts.1
            return latencies
        }
        for _ in 0..<rounds {
            r.idle += try PassthroughProbe.measure(physical: physical, targetNode: clone, count: perRound)
            r.flood += try flooding(onCPU: -1)
            if r.apart { r.floodApart += try flooding(onCPU: 1) }
        }
        flooder.stop()
        daemon.stop()
        return r
    }

    /// A state's latencies in µs at `q`.
    static func micros(_ nanoseconds: [Int64], _ q: Double) -> Double? { Stats.quantile(nanoseconds.map { Double($0) / 1000 }, q) }

    var idleP50: Double? { Self.micros(idle, 0.5) }
    var idleP99: Double? { Self.micros(idle, 0.99) }

    /// A flood state against idle: its quantiles, their ratios to idle's, and the goal.
    struct VersusIdle {
        var frames: Int
        var p50, p99, p50Ratio, p99Ratio: Double?
        var p50Met: Bool? { p50Ratio.map { $0 <= PassthroughUnderFlood.goalRatio } }
        var p99Met: Bool? { p99Ratio.map { $0 <= PassthroughUnderFlood.goalRatio } }

        func row(_ label: String) -> [String] {
            [label, "\(frames)", Stats.fmt(p50, digits: 1), Stats.fmt(p99, digits: 1), Stats.fmt(p50Ratio) + "x", Stats.fmt(p99Ratio) + "x",
             "≤ 1.2x idle", "p50 \(Stats.verdict(p50Met)), p99 \(Stats.verdict(p99Met))"]
        }
    }

    func versusIdle(_ samples: [Int64]) -> VersusIdle {
        let p50 = Self.micros(samples, 0.5), p99 = Self.micros(samples, 0.99)
        return VersusIdle(frames: samples.count, p50: p50, p99: p99, p50Ratio: Stats.ratio(p50, idleP50), p99Ratio: Stats.ratio(p99, idleP99))
    }

    func table() -> String {
        var t = BenchTable(title: "human passthrough through inputmuxd (physical write → clone readable), idle vs \(agents) agents flooding clicks, 10 interleaved rounds",
                           header: ["state", "frames", "p50 µs", "p99 µs", "p50 vs idle", "p99 vs idle", "goal", "verdict"])
        t.rows.append(["idle", "\(idle.count)", Stats.fmt(idleP50, digits: 1), Stats.fmt(idleP99, digits: 1), "1.0x", "1.0x", "-", "baseline"])
        t.rows.append(versusIdle(flood).row("\(agents) agents flooding, anywhere"))
        if apart { t.rows.append(versusIdle(floodApart).row("\(agents) agents flooding, on CPU 1")) }
        t.notes.append("flood: each agent clicks in its own column with pacing off, one click in flight; \(floodOK) clicks carried out and \(floodRejected) refused during the timed flood phases (quiet period 0, so the human's frames do not pause the agents). inputmuxd runs at nice \(BenchDaemon.unitNice), as its systemd unit runs it, placed by the scheduler; the flooding agents at nice 0.")
        t.notes.append("the human's writer and reader run on CPU 0 in every state. \"anywhere\": the agents' processes are placed by the scheduler, so on this \(cpus)-CPU guest they take the reader's CPU too, whatever the daemon does. \"on CPU 1\": the agents' processes are kept off CPU 0, so what still competes with the human's side is the daemon's own work for them.")
        return t.render()
    }

    func json() -> JSONValue {
        let f = versusIdle(flood), a = versusIdle(floodApart)
        return ["agents": .int(Int64(agents)),
                "idle": ["p50_us": Stats.json(idleP50), "p99_us": Stats.json(idleP99), "frames": .int(Int64(idle.count))],
                "flood": ["p50_us": Stats.json(f.p50), "p99_us": Stats.json(f.p99), "frames": .int(Int64(f.frames)),
                          "clicks_done": .int(Int64(floodOK)), "clicks_refused": .int(Int64(floodRejected))],
                "flood_agents_on_cpu1": ["p50_us": Stats.json(a.p50), "p99_us": Stats.json(a.p99), "frames": .int(Int64(a.frames)),
                                         "p50_ratio": Stats.json(a.p50Ratio), "p99_ratio": Stats.json(a.p99Ratio),
                                         "goal_p50_met": Stats.json(a.p50Met), "goal_p99_met": Stats.json(a.p99Met)],
                "p50_ratio": Stats.json(f.p50Ratio), "p99_ratio": Stats.json(f.p99Ratio),
                "goal_ratio": Stats.json(Self.goalRatio), "goal_p50_met": Stats.json(f.p50Met), "goal_p99_met": Stats.json(f.p99Met)]
    }
}

/// `muxbench flood-agents` in a child process (so the timed process stays single-threaded
/// and forks its readers safely), driven through its stdin.
final class FloodProcess {
    let pid: pid_t
    private let toChild: Int32
    private let fromChild: Int32
    private var pendingOutput: [UInt8] = []
    private var stopped = false

    init(socket: String, agents: Int) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw BenchError("pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addclose(&actions, input[1])
        posix_spawn_file_actions_addclose(&actions, output[0])
        pid = try BenchProcess.spawn(["/proc/self/exe", "flood-agents", "--socket", socket, "--agents", "\(agents)"], actions: &actions)
        close(input[0]); close(output[1])
        toChild = input[1]
        fromChild = output[0]
        guard let ready = readLine(timeout: 180), ready == "READY" else {
            stop()
            throw BenchError("the flood agents did not get ready")
        }
    }

    /// Places every thread of the flood process on `cpu`, or on any CPU when negative.
    func place(cpu: Int32) throws { try CPUPlacement.place(pid: pid, cpu: cpu) }

    /// Sends one command byte; with `expectLine`, returns the "OK n REJECTED m" counts.
    @discardableResult
    func command(_ c: Character, expectLine: Bool = false) -> (Int, Int) {
        var b = c.asciiValue ?? 0
        _ = write(toChild, &b, 1)
        guard expectLine, let line = readLine(timeout: 30) else { return (0, 0) }
        let parts = line.split(separator: " ")
        guard parts.count == 4 else { return (0, 0) }
        return (Int(parts[1]) ?? 0, Int(parts[3]) ?? 0)
    }

    private func readLine(timeout: Int32) -> String? {
        while true {
            if let nl = pendingOutput.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pendingOutput[..<nl], as: UTF8.self)
                pendingOutput.removeSubrange(...nl)
                return line
            }
            var pfd = pollfd(fd: fromChild, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeout * 1000) > 0 else { return nil }
            var buf = [UInt8](repeating: 0, count: 256)
            let n = read(fromChild, &buf, buf.count)
            guard n > 0 else { return nil }
            pendingOutput += buf[0..<n]
        }
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        close(toChild)
        var status: Int32 = 0
        let began = MonotonicClock.now()
        while waitpid(pid, &status, WNOHANG) != pid {
            if MonotonicClock.now() - began > .seconds(10) { kill(pid, SIGKILL); waitpid(pid, &status, 0); break }
            MonotonicClock.sleep(.milliseconds(10))
        }
        close(fromChild)
    }
}
