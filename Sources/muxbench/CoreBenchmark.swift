import ArgumentParser

/// `muxbench core`: the pure engine's figures (DESIGN §9 "Performance is proven by
/// benchmarks that print tables"). Build with `-c release`; debug numbers mean nothing.
struct CoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Pure engine benchmark: gate throughput and allocations, lease latency, memory, model steps.",
        discussion: "With --demo, narrates a short scenario instead (three agents, a queue, a human burst, a revoke).")

    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Flag(help: "Narrate a short core scenario instead of measuring.") var demo = false
    @Option(help: "Gate decisions to time.") var gateDecisions = 20_000_000
    @Option(help: "Acquire+release rounds to time.") var leaseRounds = 2_000
    @Option(help: "Random-model steps to time.") var modelSteps = 100_000
    @Option(help: "Run only these parts (gate, lease, many, memory, model, compile), e.g. for a profiler.")
    var only: [Part] = []

    enum Part: String, ExpressibleByArgument, CaseIterable { case gate, lease, many, memory, model, compile }

    func validate() throws {
        guard gateDecisions > 0, leaseRounds > 0, modelSteps > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        if demo { return CoreDemo.run() }
        let parts = only.isEmpty ? Part.allCases : only
        var rows: [Row] = []
        if parts.contains(.gate) { rows += gateRows(CoreGateBench.run(iterations: gateDecisions)) }
        if parts.contains(.lease) {
            rows += leaseRows(CoreLeaseBench.run(rounds: leaseRounds))
            rows += shallowLeaseRows(CoreLeaseBench.run(rounds: leaseRounds, waiters: 0))
        }
        if parts.contains(.many) {
            rows += manyLeaseRows(CoreManyLeasesBench.run(sessions: 2_000, perSession: 8), key: "many_sessions")
            rows += manyLeaseRows(CoreManyLeasesBench.run(sessions: 1, perSession: 16_000), key: "one_session")
        }
        if parts.contains(.memory) { rows += memoryRows(CoreMemoryBench.run(sessions: 1_000)) }
        if parts.contains(.model) { rows += modelRows(CoreModelBench.run(steps: modelSteps)) }
        if parts.contains(.compile) { rows += compileRows(CoreCompileBench.run(iterations: 200_000)) }
        if json { printJSON(rows) } else { printTable(rows) }
    }

    func gateRows(_ gate: CoreGateBench) -> [Row] {
        let gateRate = Double(gate.decisions) / gate.seconds
        return [
            Row(key: "gate_decisions_per_second", label: "gate decisions per second (1 core, best of 5 rounds)", value: gateRate,
                text: Self.si(gateRate), goal: ">= 10M", met: gateRate >= 10_000_000),
            Row(key: "gate_allocations_per_decision", label: "heap allocations per gate decision", value: gate.allocationsPerDecision,
                text: Self.fixed(gate.allocationsPerDecision, 4), goal: "0", met: CoreMalloc.active && gate.allocationsPerDecision == 0),
        ]
    }

    func leaseRows(_ lease: CoreLeaseBench) -> [Row] {
        [
            Row(key: "lease_acquire_release_p50_us", label: "lease acquire+release p50 (\(lease.sessions) sessions, queue \(lease.queueDepth))",
                value: Double(lease.percentiles.p50) / 1000, text: Self.fixed(Double(lease.percentiles.p50) / 1000, 1) + " µs", goal: "", met: nil),
            Row(key: "lease_acquire_release_p99_us", label: "lease acquire+release p99",
                value: Double(lease.percentiles.p99) / 1000, text: Self.fixed(Double(lease.percentiles.p99) / 1000, 1) + " µs",
                goal: "< 50 µs", met: lease.percentiles.p99 < 50_000),
            Row(key: "lease_handover_p99_us", label: "  handovers, where the queue advances (1 in 11): p50 \(Self.fixed(Double(lease.handover.p50) / 1000, 1)) µs, p99",
                value: Double(lease.handover.p99) / 1000, text: Self.fixed(Double(lease.handover.p99) / 1000, 1) + " µs", goal: "", met: nil),
        ]
    }

    /// The same without waiters: what a queue's depth adds.
    func shallowLeaseRows(_ lease: CoreLeaseBench) -> [Row] {
        [
            Row(key: "lease_acquire_release_no_queue_p99_us", label: "lease acquire+release p99 (\(lease.sessions) sessions, no queue)",
                value: Double(lease.percentiles.p99) / 1000, text: Self.fixed(Double(lease.percentiles.p99) / 1000, 1) + " µs", goal: "", met: nil),
        ]
    }

    /// Many live leases at once: whole phases, in milliseconds.
    func manyLeaseRows(_ b: CoreManyLeasesBench, key: String) -> [Row] {
        func ms(_ ns: Int64) -> Double { Double(ns) / 1e6 }
        let asked = b.sessions * b.perSession
        return [
            Row(key: "many_leases_\(key)_acquire_ms",
                label: "\(asked) acquires by \(b.sessions) session(s) (\(b.granted) granted): all, in",
                value: ms(b.acquireNanoseconds), text: Self.fixed(ms(b.acquireNanoseconds), 1) + " ms", goal: "", met: nil),
            Row(key: "many_leases_\(key)_status_ms", label: "  one status over \(b.lapsed) live leases",
                value: ms(b.statusNanoseconds), text: Self.fixed(ms(b.statusNanoseconds), 1) + " ms", goal: "", met: nil),
            Row(key: "many_leases_\(key)_lapse_ms", label: "  all \(b.lapsed) TTLs lapsing in one engine turn",
                value: ms(b.lapseNanoseconds), text: Self.fixed(ms(b.lapseNanoseconds), 1) + " ms", goal: "", met: nil),
        ]
    }

    func memoryRows(_ memory: CoreMemoryBench) -> [Row] {
        [
            Row(key: "memory_per_idle_session_bytes", label: "engine memory per idle session", value: memory.bytesPerSession,
                text: Self.fixed(memory.bytesPerSession, 0) + " B", goal: "< 4 KB", met: CoreMalloc.active && memory.bytesPerSession < 4096),
        ]
    }

    func modelRows(_ model: CoreModelBench) -> [Row] {
        [
            Row(key: "model_steps_per_second", label: "random-model steps per second (12 agents, all checks)",
                value: Double(model.steps) / model.seconds, text: Self.si(Double(model.steps) / model.seconds), goal: "", met: nil),
        ]
    }

    func compileRows(_ compile: CoreCompileBench) -> [Row] {
        [
            Row(key: "compiles_per_second", label: "gesture compiles per second (ctrl+double-click)",
                value: Double(compile.gestures) / compile.seconds, text: Self.si(Double(compile.gestures) / compile.seconds), goal: "", met: nil),
        ]
    }

    struct Row {
        var key: String
        var label: String
        var value: Double
        var text: String
        var goal: String
        var met: Bool?
    }

    func printTable(_ rows: [Row]) {
        #if DEBUG
        print("warning: a debug build; measure with `swift run -c release muxbench core`")
        #endif
        if !CoreMalloc.active { print("warning: the malloc counter is not active; allocation and memory rows are not measured") }
        let w = rows.map(\.label.count).max() ?? 0
        let v = max(8, rows.map(\.text.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        print(pad("measure", w) + "  " + pad("value", v) + "  goal")
        print(String(repeating: "-", count: w + v + 16))
        for r in rows {
            let verdict = r.met.map { $0 ? "  ok" : "  MISSED" } ?? ""
            print(pad(r.label, w) + "  " + pad(r.text, v) + "  " + r.goal + verdict)
        }
    }

    func printJSON(_ rows: [Row]) {
        var parts: [String] = []
        for r in rows { parts.append("\"\(r.key)\":\(Self.fixed(r.value, 4))") }
        parts.append("\"malloc_counter_active\":\(CoreMalloc.active)")
        #if DEBUG
        parts.append("\"build\":\"debug\"")
        #else
        parts.append("\"build\":\"release\"")
        #endif
        let goals = rows.filter { $0.met != nil }.map { "\"\($0.key)\":\($0.met!)" }
        parts.append("\"goals_met\":{\(goals.joined(separator: ","))}")
        print("{" + parts.joined(separator: ",") + "}")
    }

    static func si(_ v: Double) -> String {
        if v >= 1e6 { return fixed(v / 1e6, 2) + " M" }
        if v >= 1e3 { return fixed(v / 1e3, 1) + " k" }
        return fixed(v, 1)
    }

    /// Fixed-point text without Foundation's String(format:).
    static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = (abs(v) * scale).rounded()
        let whole = Int64(n / scale)
        let frac = Int64(n - Double(whole) * scale)
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        return (v < 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + f : "")
    }
}
