import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// Clicks and typing through inputmuxd (pacing off and on) against ydotool, in
/// interleaved rounds: each round runs every setup once, so a busy host weighs on all.
struct InjectionComparison {
    /// One setup's samples over all rounds.
    struct Clicks {
        var latencies: [Int64] = []
        var rates: [Double] = []   // clicks per second, one per round
        var missing = 0
        var p50: Double? { Stats.quantile(Stats.ms(latencies), 0.5) }
        var p99: Double? { Stats.quantile(Stats.ms(latencies), 0.99) }
        var rate: Double? { Stats.median(rates) }
        mutating func add(_ latencies: [Int64], wall: Int64, clicks: Int) {
            self.latencies += latencies
            rates.append(Double(clicks) / (Double(wall) / 1e9))
        }
    }

    struct Typing {
        var totals: [Double] = []      // ms
        var characters: [Int] = []
        /// SYN_DROPPED seen by the reader (it fell behind; the kernel dropped events for it).
        var overruns = 0
        var total: Double? { Stats.median(totals) }
        var dropped: Int { characters.map { max(0, DaemonBenchmark.sentence.count - $0) }.reduce(0, +) }
    }

    var rounds: Int
    var ours: [String: Clicks] = [:]        // "off-1", "off-8", "on-1", "on-8"
    var peer: [Int: Clicks] = [:]           // 1, 8
    var oursTyping: [String: Typing] = [:]  // "off", "on"
    var peerTyping = Typing()
    var peerNote: String?

    static func run(rounds: Int, clicks: Int, ydotoolClicks: Int, typing: Bool, sentence: String) throws -> InjectionComparison {
        var r = InjectionComparison(rounds: rounds)
        if !YdotoolPeer.available { r.peerNote = "ydotool is not installed (apt-get install ydotool)" }
        for round in 0..<rounds {
            for pacing in [false, true] {
                let key = pacing ? "on" : "off"
                let n = pacing ? max(4, clicks / 4) : clicks
                let daemon = try BenchDaemon(pacing: pacing)
                let agents = try AgentInjection.connect(8, socket: daemon.agentSocket, prefix: "bench").agents
                for (i, a) in agents.enumerated() { _ = try a.lease(AgentInjection.column(i, of: 8).text) }
                let one = try AgentInjection.clicks([agents[0]], columns: 8, clicks: n)
                r.ours["\(key)-1", default: Clicks()].add(one.latencies, wall: one.wall, clicks: n)
                let eight = try AgentInjection.clicks(agents, columns: 8, clicks: n)
                r.ours["\(key)-8", default: Clicks()].add(eight.latencies, wall: eight.wall, clicks: 8 * n)
                if typing {
                    let col = AgentInjection.column(0, of: 8)
                    _ = try agents[0].lease(col.text, keyboard: true)
                    let t = try AgentInjection.type(sentence, agent: agents[0], at: col.x + col.width / 2)
                    r.oursTyping[key, default: Typing()].totals.append(Double(t.total) / 1e6)
                    r.oursTyping[key, default: Typing()].characters.append(t.characters)
                    r.oursTyping[key, default: Typing()].overruns += t.overruns
                }
                daemon.stop()
                note("round \(round + 1)/\(rounds): inputmuxd pacing \(key) done")
            }
            if r.peerNote == nil {
                let one = try YdotoolPeer.clicks(workers: 1, perWorker: ydotoolClicks)
                r.peer[1, default: Clicks()].add(one.latencies, wall: one.wall, clicks: one.latencies.count)
                r.peer[1]!.missing += one.missing
                let per = max(1, ydotoolClicks / 3)
                let eight = try YdotoolPeer.clicks(workers: 8, perWorker: per)
                r.peer[8, default: Clicks()].add(eight.latencies, wall: eight.wall, clicks: eight.latencies.count)
                r.peer[8]!.missing += eight.missing
                if typing {
                    let t = try YdotoolPeer.type(sentence)
                    r.peerTyping.totals.append(Double(t.total) / 1e6)
                    r.peerTyping.characters.append(t.characters)
                }
                note("round \(round + 1)/\(rounds): ydotool done")
            }
        }
        return r
    }

    // MARK: - Injection report

    /// Goals (issue 4): latency at most 1/5 of ydotool's, throughput at least 10x, with
    /// pacing off; pacing on is reported beside them.
    func injectionGoals(agents: Int) -> (latency: Bool?, throughput: Bool?) {
        guard let o = ours["off-\(agents)"], let p = peer[agents] else { return (nil, nil) }
        let lat: Bool? = (o.p50 != nil && p.p50 != nil && o.p99 != nil && p.p99 != nil)
            ? (o.p50! <= p.p50! / 5 && o.p99! <= p.p99! / 5) : nil
        let thr: Bool? = (o.rate != nil && p.rate != nil) ? o.rate! >= 10 * p.rate! : nil
        return (lat, thr)
    }

    func injectionTable() -> String {
        var t = BenchTable(
            title: "injection: clicks through inputmuxd vs ydotool, \(rounds) interleaved rounds (latency = request → button press readable on the clicking device's evdev node)",
            header: ["setup", "agents", "clicks/s", "p50 ms", "p99 ms", "clicks/s vs ydotool", "p50 vs ydotool", "p99 vs ydotool", "goal", "verdict"])
        for n in [1, 8] {
            let p = peer[n]
            let goals = injectionGoals(agents: n)
            for (key, label) in [("off", "inputmuxd, pacing off"), ("on", "inputmuxd, pacing on")] {
                guard let o = ours["\(key)-\(n)"] else { continue }
                let goal = key == "off" ? "≥10x clicks/s, ≤0.2x p50+p99" : "(reported apart)"
                let verdict = key == "off"
                    ? Stats.verdict(goals.latency.flatMap { l in goals.throughput.map { l && $0 } })
                    : "info"
                t.rows.append([label, "\(n)", Stats.fmt(o.rate, digits: 1), Stats.fmt(o.p50), Stats.fmt(o.p99),
                               Stats.fmt(Stats.ratio(o.rate, p?.rate), digits: 1) + "x",
                               Stats.fmt(Stats.ratio(o.p50, p?.p50), digits: 3) + "x",
                               Stats.fmt(Stats.ratio(o.p99, p?.p99), digits: 3) + "x", goal, verdict])
            }
            t.rows.append([n == 1 ? "ydotool click 1 (one process per click)" : "ydotool click 1, 8 processes at once",
                           "\(n)", Stats.fmt(p?.rate, digits: 1), Stats.fmt(p?.p50), Stats.fmt(p?.p99), "1.0x", "1.0x", "1.0x", "-",
                           p == nil ? (peerNote ?? "not measured") : "peer"])
        }
        t.notes.append("ydotool: Debian bookworm's ydotool 0.1.8 ships no ydotoold, so each `ydotool click` creates its own uinput device and waits its default --delay (100 ms) before clicking: measured as it ships.")
        t.notes.append("clicks/s: median over rounds of (clicks / wall time); one click in flight per agent (send, read back, reply). 8 ydotool processes: presses paired with process starts in order.")
        let missing = peer.values.map(\.missing).reduce(0, +)
        if missing > 0 { t.notes.append("ydotool clicks that never read back: \(missing)") }
        return t.render()
    }

    func injectionJSON() -> JSONValue {
        func row(_ c: Clicks?) -> JSONValue {
            guard let c else { return .null }
            return ["clicks_per_second": Stats.json(c.rate), "p50_ms": Stats.json(c.p50), "p99_ms": Stats.json(c.p99),
                    "samples": .int(Int64(c.latencies.count))]
        }
        var o: [String: JSONValue] = ["rounds": .int(Int64(rounds))]
        for n in [1, 8] {
            let g = injectionGoals(agents: n)
            o["agents_\(n)"] = ["inputmuxd_pacing_off": row(ours["off-\(n)"]), "inputmuxd_pacing_on": row(ours["on-\(n)"]),
                                "ydotool": row(peer[n]),
                                "throughput_ratio": Stats.json(Stats.ratio(ours["off-\(n)"]?.rate, peer[n]?.rate)),
                                "p50_ratio": Stats.json(Stats.ratio(ours["off-\(n)"]?.p50, peer[n]?.p50)),
                                "p99_ratio": Stats.json(Stats.ratio(ours["off-\(n)"]?.p99, peer[n]?.p99)),
                                "goal_latency_fifth": Stats.json(g.latency), "goal_throughput_10x": Stats.json(g.throughput)]
        }
        o["ydotool_note"] = peerNote.map { .string($0) } ?? "ydotool 0.1.8 (bookworm) without ydotoold: one process and uinput device per click"
        return .object(o)
    }

    // MARK: - Typing report

    func typingTable() -> String {
        let n = DaemonBenchmark.sentence.count
        var t = BenchTable(
            title: "typing the \(n)-character sentence \"\(DaemonBenchmark.sentence)\", \(rounds) interleaved rounds (request → last key release readable)",
            header: ["setup", "total ms (median)", "ms per char", "vs ydotool", "chars read back", "dropped", "goal", "verdict"])
        let peerTotal = peerTyping.total
        for (key, label) in [("on", "inputmuxd type, pacing on (defaults)"), ("off", "inputmuxd type, pacing off")] {
            guard let o = oursTyping[key] else { continue }
            let faster = Stats.ratio(o.total, peerTotal).map { $0 < 1 }
            let ok: Bool? = key == "on" ? faster.map { $0 && o.dropped == 0 } : nil
            t.rows.append([label, Stats.fmt(o.total, digits: 1), Stats.fmt(o.total.map { $0 / Double(n) }),
                           Stats.fmt(Stats.ratio(o.total, peerTotal), digits: 3) + "x",
                           o.characters.map(String.init).joined(separator: "/"),
                           o.overruns > 0 ? "n/a (reader overran \(o.overruns)x)" : "\(o.dropped)",
                           key == "on" ? "faster than ydotool, 0 dropped" : "(reported apart)",
                           key == "on" ? Stats.verdict(ok) : "info"])
        }
        t.rows.append(["ydotool type (defaults)", Stats.fmt(peerTotal, digits: 1), Stats.fmt(peerTotal.map { $0 / Double(n) }), "1.0x",
                       peerTyping.characters.map(String.init).joined(separator: "/"), "\(peerTyping.dropped)", "-", peerNote ?? "peer"])
        t.notes.append("ydotool type defaults: --delay 100 ms before typing, --key-delay 12 ms. inputmuxd: its default [pacing] (each typed key held, then a pause before the next character; see inputmux.toml).")
        t.notes.append("\"reader overran\": the kernel reported SYN_DROPPED to the benchmark's reader (it fell behind an unpaced burst), so characters it missed were written but not counted.")
        return t.render()
    }

    func typingJSON() -> JSONValue {
        func row(_ t: Typing?) -> JSONValue {
            guard let t else { return .null }
            return ["total_ms": Stats.json(t.total), "per_char_ms": Stats.json(t.total.map { $0 / Double(DaemonBenchmark.sentence.count) }),
                    "characters_read_back": .array(t.characters.map { .int(Int64($0)) }), "dropped": .int(Int64(t.dropped)),
                    "reader_overruns": .int(Int64(t.overruns))]
        }
        let on = oursTyping["on"]
        let goal: Bool? = Stats.ratio(on?.total, peerTyping.total).map { $0 < 1 && on?.dropped == 0 }
        return ["sentence": .string(DaemonBenchmark.sentence), "characters": .int(Int64(DaemonBenchmark.sentence.count)),
                "inputmuxd_pacing_on": row(on), "inputmuxd_pacing_off": row(oursTyping["off"]),
                "ydotool": row(peerTyping.totals.isEmpty ? nil : peerTyping),
                "ratio_pacing_on": Stats.json(Stats.ratio(on?.total, peerTyping.total)),
                "goal_faster_zero_dropped": Stats.json(goal)]
    }
}

/// Progress on stderr (stdout carries the tables).
func note(_ s: String) {
    let bytes = Array(("muxbench: " + s + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
