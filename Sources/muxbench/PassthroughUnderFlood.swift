import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxHarness
import InputMuxDaemon
import InputMuxLinux

/// The human's passthrough through inputmuxd (write on a "physical" device the daemon
/// grabbed → its clone), idle and while `agents` sessions flood the daemon with clicks,
/// in `rounds` interleaved rounds. Each frame is timed two ways: until it is readable on
/// the clone (evdev's timestamp on the clone's events), which is what inputmuxd does and
/// what the goal is judged on, and until the reader standing for the compositor has read
/// it, which adds that reader's own wake-up.
///
/// p99 is judged round by round: each round's flood p99 against the same round's idle
/// p99, and the median of those ratios against the goal. The host this guest runs on
/// is shared, and its stalls land in whichever round they land in. Pooled over every
/// round, a p99 is a few dozen frames, and one stalled round decides it for either
/// state. Paired by round, idle and flood share the host's conditions. The pooled
/// figures are printed too.
///
/// The human's side (the writer and the reader standing for the compositor) runs on
/// CPU 0; inputmuxd is placed by the scheduler, as deployed. The flooding agents' own
/// processes run two ways, in turns within each round: placed by the scheduler, where on
/// a two-CPU guest they and the reader fight for the same CPUs whatever the daemon does;
/// and kept on CPU 1, where what is left on the human's CPU is the daemon's agent work.
/// A control state keeps the same threads, placed by the scheduler, as busy as the flood
/// kept them, with no request to the daemon: what their CPU use alone does to the human.
struct PassthroughUnderFlood {
    var agents: Int
    /// Each state's frames, one array per round.
    var idleArrivals: [[PassthroughProbe.Arrival]] = []
    var floodArrivals: [[PassthroughProbe.Arrival]] = []
    var apartArrivals: [[PassthroughProbe.Arrival]] = []
    var busyArrivals: [[PassthroughProbe.Arrival]] = []
    /// The "anywhere" flood with the daemon's agent work raised to the human's priority
    /// (AgentWorkPriority): what the engine's nice offset buys.
    var levelArrivals: [[PassthroughProbe.Arrival]] = []
    /// The CPUs the flooding agents' process kept busy in each "anywhere" flood phase.
    var floodCPUs: [Double] = []
    var floodOK = 0
    var floodRejected = 0
    /// The flood kept off the human's CPU (needs a second CPU).
    var apart: Bool { cpus > 1 }
    var cpus = 1

    static let goalRatio = 1.2
    /// Interleaved rounds: 20, so that the median of the rounds' p99 ratios stands on
    /// enough rounds that two or three stalled ones do not move it.
    static let rounds = 20

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
        let perRound = max(10, frames / Self.rounds)
        _ = try PassthroughProbe.measure(physical: physical, targetNode: clone, count: 200)
        func measure() throws -> [PassthroughProbe.Arrival] {
            try PassthroughProbe.measureArrivals(physical: physical, targetNode: clone, count: perRound)
        }
        func flooding(onCPU cpu: Int32) throws -> [PassthroughProbe.Arrival] {
            try flooder.place(cpu: cpu)
            flooder.command("f")
            MonotonicClock.sleep(.milliseconds(200))
            let latencies = try measure()
            let counts = flooder.command("i", expectLine: true)
            r.floodOK += counts.ok
            r.floodRejected += counts.rejected
            if cpu < 0 { r.floodCPUs.append(counts.cpus) }
            return latencies
        }
        for _ in 0..<Self.rounds {
            r.idleArrivals.append(try measure())
            r.floodArrivals.append(try flooding(onCPU: -1))
            // The control, right after the flood whose CPU use it copies.
            flooder.command("b")
            MonotonicClock.sleep(.milliseconds(200))
            r.busyArrivals.append(try measure())
            flooder.command("i", expectLine: true)
            if r.apart { r.apartArrivals.append(try flooding(onCPU: 1)) }
            let raised = try AgentWorkPriority(raising: daemon.pid)
            defer { raised.restore() }
            r.levelArrivals.append(try flooding(onCPU: -1))
        }
        flooder.stop()
        daemon.stop()
        return r
    }

    /// A state's latencies in µs at `q`.
    static func micros(_ nanoseconds: [Int64], _ q: Double) -> Double? { Stats.quantile(nanoseconds.map { Double($0) / 1000 }, q) }

    /// What a latency runs to: until the frame is readable on the clone (evdev's timestamp),
    /// or until the reader standing for the compositor has read it.
    enum Measure: String { case readable, read }

    /// The four states' latencies in ns by `measure`, one array per round.
    struct States {
        var idle, flood, apart, busy, level: [[Int64]]
        var idleP50: Double? { PassthroughUnderFlood.micros(idle.flatMap { $0 }, 0.5) }
        var idleP99: Double? { PassthroughUnderFlood.micros(idle.flatMap { $0 }, 0.99) }
    }

    func states(_ m: Measure) -> States {
        func pick(_ rounds: [[PassthroughProbe.Arrival]]) -> [[Int64]] { rounds.map { $0.map { m == .readable ? $0.readable : $0.read } } }
        return States(idle: pick(idleArrivals), flood: pick(floodArrivals), apart: pick(apartArrivals), busy: pick(busyArrivals), level: pick(levelArrivals))
    }

    /// A flood state against idle: its pooled quantiles and their ratios to idle's, the
    /// p99 ratio of each round to the same round's idle, and the goal (pooled p50 ratio,
    /// median of the rounds' p99 ratios).
    struct VersusIdle {
        var frames: Int
        var p50, p99, p50Ratio, p99Ratio: Double?
        var p99RoundRatios: [Double]
        var p99RoundMedian: Double? { Stats.median(p99RoundRatios) }
        var p50Met: Bool? { p50Ratio.map { $0 <= PassthroughUnderFlood.goalRatio } }
        var p99Met: Bool? { p99RoundMedian.map { $0 <= PassthroughUnderFlood.goalRatio } }

        /// A table row; a state not held to the goal (the control) shows none.
        /// `unjudged`: what the verdict cell says of a row not held to the goal.
        func row(_ label: String, judged: Bool = true, unjudged: String = "control") -> [String] {
            [label, "\(frames)", Stats.fmt(p50, digits: 1), Stats.fmt(p99, digits: 1), Stats.fmt(p50Ratio) + "x", Stats.fmt(p99Ratio) + "x",
             Stats.fmt(p99RoundMedian) + "x", judged ? "≤ 1.2x idle" : "-",
             judged ? "p50 \(Stats.verdict(p50Met)), p99 \(Stats.verdict(p99Met))" : unjudged]
        }
    }

    static func versusIdle(_ rounds: [[Int64]], _ s: States) -> VersusIdle {
        let samples = rounds.flatMap { $0 }
        let p50 = Self.micros(samples, 0.5), p99 = Self.micros(samples, 0.99)
        let perRound = zip(rounds, s.idle).compactMap { flood, idle in Stats.ratio(Self.micros(flood, 0.99), Self.micros(idle, 0.99)) }
        return VersusIdle(frames: samples.count, p50: p50, p99: p99, p50Ratio: Stats.ratio(p50, s.idleP50), p99Ratio: Stats.ratio(p99, s.idleP99),
                          p99RoundRatios: perRound)
    }

    /// The measure the goal is judged on: until the frame is readable on the clone, what
    /// inputmuxd does. The reader's wake-up after that is its own scheduling, shown apart.
    static let judgedMeasure = Measure.readable

    static func label(_ m: Measure) -> String {
        m == .readable ? "readable on the clone" : "read by the reader (nice 0)"
    }

    func table() -> String {
        var t = BenchTable(title: "human passthrough through inputmuxd (physical write → clone), idle vs \(agents) agents flooding clicks, \(idleArrivals.count) interleaved rounds",
                           header: ["until", "state", "frames", "p50 µs", "p99 µs", "p50 vs idle", "p99 vs idle", "p99 vs idle, by round", "goal", "verdict"])
        var perRound: [String] = []
        for m in [Measure.readable, .read] {
            let s = states(m)
            let judged = m == Self.judgedMeasure
            t.rows.append([Self.label(m), "idle", "\(s.idle.joined().count)", Stats.fmt(s.idleP50, digits: 1), Stats.fmt(s.idleP99, digits: 1),
                           "1.0x", "1.0x", "1.0x", "-", "baseline"])
            let flood = Self.versusIdle(s.flood, s), floodApart = Self.versusIdle(s.apart, s)
            t.rows.append([Self.label(m)] + flood.row("\(agents) agents flooding, anywhere", judged: judged, unjudged: "info"))
            if apart { t.rows.append([Self.label(m)] + floodApart.row("\(agents) agents flooding, on CPU 1", judged: judged, unjudged: "info")) }
            t.rows.append([Self.label(m)] + Self.versusIdle(s.level, s).row("flooding, anywhere, agent work at the human's nice", judged: false, unjudged: "without offset"))
            t.rows.append([Self.label(m)] + Self.versusIdle(s.busy, s).row("control: \(agents) threads as busy, no requests", judged: false))
            perRound.append("\(Self.label(m)), anywhere: \(Self.list(flood.p99RoundRatios))" + (apart ? "; on CPU 1: \(Self.list(floodApart.p99RoundRatios))" : ""))
        }
        t.notes.append("until readable on the clone: the timestamp evdev gives the clone's events as it queues the frame for readers and wakes them (CLOCK_MONOTONIC); until read: when the reader process, standing for the compositor at nice 0, had read it. What lies between is the reader's own wake-up. The goal is judged until readable: that is what inputmuxd does; how soon a compositor runs after that is its own scheduling (sway, KWin and Hyprland run theirs in SCHED_RR for that reason).")
        t.notes.append("flood: each agent clicks in its own column with pacing off, one click in flight; \(floodOK) clicks carried out and \(floodRejected) refused during the timed flood phases (quiet period 0, so the human's frames do not pause the agents). inputmuxd runs at nice \(BenchDaemon.unitNice), as its systemd unit runs it, placed by the scheduler; the flooding agents at nice 0.")
        t.notes.append("\"p99 vs idle, by round\": the median over the \(idleArrivals.count) rounds of each round's flood p99 over the same round's idle p99; the p99 verdict is on it (the host is shared: a stall it makes lands in one round, and pooled over all rounds it decides either state's p99). Per round, " + perRound.joined(separator: "; ") + ".")
        t.notes.append("control: the flooding agents' \(agents) threads, placed by the scheduler, each spinning as long as a click cost the flood in CPU time and sleeping so that together they use the CPUs the \"anywhere\" flood just used (\(Stats.fmt(Stats.median(floodCPUs))) CPUs, median over rounds), with no request to the daemon or anyone. What it costs the human is what \(agents) agents' own CPU use costs on this \(cpus)-CPU guest, with or without inputmuxd.")
        t.notes.append("agent work at the human's nice: the \"anywhere\" flood again, with the daemon's engine thread and audit writer raised for the phase from nice \(BenchDaemon.unitNice + 15) to the process's \(BenchDaemon.unitNice), the human's input thread's: against the \"anywhere\" row, what the daemon's nice offset for agent work (AgentWork.niceOffset) buys.")
        t.notes.append("the human's writer and reader run on CPU 0 in every state. \"anywhere\": the agents' processes are placed by the scheduler, so on this \(cpus)-CPU guest they take the reader's CPU too, whatever the daemon does. \"on CPU 1\": the agents' processes are kept off CPU 0, so what still competes with the human's side is the daemon's own work for them.")
        return t.render()
    }

    static func list(_ ratios: [Double]) -> String { ratios.map { Stats.fmt($0) + "x" }.joined(separator: " ") }

    func json(_ m: Measure) -> JSONValue {
        let s = states(m)
        let f = Self.versusIdle(s.flood, s), a = Self.versusIdle(s.apart, s), c = Self.versusIdle(s.busy, s), l = Self.versusIdle(s.level, s)
        return ["idle": ["p50_us": Stats.json(s.idleP50), "p99_us": Stats.json(s.idleP99), "frames": .int(Int64(s.idle.joined().count))],
                "flood": ["p50_us": Stats.json(f.p50), "p99_us": Stats.json(f.p99), "frames": .int(Int64(f.frames))],
                "flood_agents_on_cpu1": ["p50_us": Stats.json(a.p50), "p99_us": Stats.json(a.p99), "frames": .int(Int64(a.frames)),
                                         "p50_ratio": Stats.json(a.p50Ratio), "p99_ratio": Stats.json(a.p99Ratio),
                                         "p99_ratio_round_median": Stats.json(a.p99RoundMedian),
                                         "p99_round_ratios": .array(a.p99RoundRatios.map { Stats.json($0) }),
                                         "goal_p50_met": Stats.json(a.p50Met), "goal_p99_met": Stats.json(a.p99Met)],
                "flood_agent_work_at_human_nice": ["p50_us": Stats.json(l.p50), "p99_us": Stats.json(l.p99), "frames": .int(Int64(l.frames)),
                                                   "p50_ratio": Stats.json(l.p50Ratio), "p99_ratio": Stats.json(l.p99Ratio),
                                                   "p99_ratio_round_median": Stats.json(l.p99RoundMedian)],
                "control_busy_no_requests": ["p50_us": Stats.json(c.p50), "p99_us": Stats.json(c.p99), "frames": .int(Int64(c.frames)),
                                             "p50_ratio": Stats.json(c.p50Ratio), "p99_ratio": Stats.json(c.p99Ratio),
                                             "p99_ratio_round_median": Stats.json(c.p99RoundMedian)],
                "p50_ratio": Stats.json(f.p50Ratio), "p99_ratio": Stats.json(f.p99Ratio),
                "p99_ratio_round_median": Stats.json(f.p99RoundMedian), "p99_round_ratios": .array(f.p99RoundRatios.map { Stats.json($0) }),
                "goal_p50_met": Stats.json(f.p50Met), "goal_p99_met": Stats.json(f.p99Met)]
    }

    func json() -> JSONValue {
        let judged = states(Self.judgedMeasure)
        let f = Self.versusIdle(judged.flood, judged)
        return ["agents": .int(Int64(agents)), "clicks_done": .int(Int64(floodOK)), "clicks_refused": .int(Int64(floodRejected)),
                "flood_cpus_median": Stats.json(Stats.median(floodCPUs)),
                "judged_until": .string(Self.judgedMeasure.rawValue),
                "until_readable": json(.readable), "until_read": json(.read),
                "goal_ratio": Stats.json(Self.goalRatio), "goal_p50_met": Stats.json(f.p50Met), "goal_p99_met": Stats.json(f.p99Met)]
    }
}

/// `muxbench flood-agents` in a child process, driven through its stdin: the flood's
/// threads stay out of the timed process, which forks its readers. Beside its own thread
/// it has only swift-subprocess's monitor and the harness's waiter for this child, asleep
/// in epoll_wait and waitid.
final class FloodProcess {
    private let child: ChildProcess
    var pid: pid_t { child.pid }
    private var stopped = false

    init(socket: String, agents: Int) throws {
        do {
            child = try ChildProcess("/proc/self/exe", ["flood-agents", "--socket", socket, "--agents", "\(agents)"],
                                     input: .pipe, output: .captured, error: .inherited)
        } catch {
            throw BenchError(error.description)
        }
        guard let ready = readLine(timeout: 180), ready == "READY" else {
            stop()
            throw BenchError("the flood agents did not get ready")
        }
    }

    /// Places every thread of the flood process on `cpu`, or on any CPU when negative.
    func place(cpu: Int32) throws { try CPUPlacement.place(pid: pid, cpu: cpu) }

    /// Sends one command byte; with `expectLine`, returns the "OK n REJECTED m CPU u"
    /// counts (clicks done, refused, CPUs the flood kept busy).
    @discardableResult
    func command(_ c: Character, expectLine: Bool = false) -> (ok: Int, rejected: Int, cpus: Double) {
        child.write(String(c))
        guard expectLine, let line = readLine(timeout: 30) else { return (0, 0, 0) }
        let parts = line.split(separator: " ")
        guard parts.count == 6 else { return (0, 0, 0) }
        return (Int(parts[1]) ?? 0, Int(parts[3]) ?? 0, Double(parts[5]) ?? 0)
    }

    /// The next line the flood process prints, within `timeout` seconds.
    private func readLine(timeout: Int64) -> String? {
        let seen = child.lines.count
        var index = 0
        return child.waitForLine(timeout: .seconds(timeout)) { _ in
            defer { index += 1 }
            return index >= seen
        }
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        child.closeInput()
        if child.wait(timeout: .seconds(10)) == nil { child.kill() }
    }
}
