import ArgumentParser
import Foundation
import InputMuxCore
import InputMuxDaemon
import InputMuxHarness
import InputMuxLinux
import Synchronization

/// `muxbench seats`: what a seat of its own per agent buys (docs/SEATS.md), in one run,
/// side by side: three agents each type a different text into their own window at the
/// same time, against one agent typing one such text alone, with every agent on a seat
/// of its own (`[x11] seats = true`) and with all on the shared seat (`[x11] seats =
/// false`). inputmuxd runs in XTest mode at the default pacing, one daemon per mode, each
/// on its own Xvfb with the X tests' recording client (which records the character each
/// key press types); the modes take turns round by round.
struct SeatsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats",
        abstract: "Three agents typing at once vs one alone, own seats vs the shared seat: wall time, misdelivered characters, focus refusals (needs Xvfb, python3-xlib, inputmuxd).")

    @Option(help: "Rounds; each measures one alone and three at once in both modes. Medians are quoted.")
    var rounds = 5

    @Option(help: "Characters in each agent's text.")
    var length = 200

    @Option(help: "The recording X client (default: Tests/InputMuxX11Tests/Fixtures/xclient.py of this checkout).")
    var xclient: String?

    /// The agents' windows: disjoint, on a 1280x800 screen.
    static let windowNames = ["a", "b", "c"]
    static let windowSpecs = ["a:20,20,380x300", "b:440,20,380x300", "c:860,20,380x300"]

    /// One measurement: `agents` typists at once.
    struct Run {
        var wall: Double
        var outcomes: [SeatsTypist.Outcome]
        var delivery: Delivery
        /// CPU time inputmuxd and Xvfb used meanwhile, in seconds.
        var daemonCPU: Double
        var xvfbCPU: Double
    }

    /// One mode's rounds.
    struct ModeResults {
        var alone: [Run] = []
        var three: [Run] = []
    }

    /// The recording X client's script: `path` when given, else the X tests' fixture in the
    /// source tree this benchmark runs from (`make bench` runs at the top of the checkout)
    /// or was built from.
    static func xclientScript(_ path: String?) throws -> String {
        let relative = "Tests/InputMuxX11Tests/Fixtures/xclient.py"
        let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(relative).path
        let candidates = path.map { [$0] } ?? [FileManager.default.currentDirectoryPath + "/" + relative, built]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw BenchError("the recording X client is not at \(candidates.joined(separator: " or ")); run from the checkout or pass --xclient PATH")
        }
        return found
    }

    func run() throws {
        let script = try Self.xclientScript(xclient)
        let texts = Self.windowNames.indices.map { Self.text(seed: $0, length: length) }
        progress("starting Xvfb, the recording X client and inputmuxd for each mode")
        let stages = try [SeatsStage(seat: .own, script: script), SeatsStage(seat: .shared, script: script)]
        defer { for s in stages { s.stop() } }
        var results: [SeatsTypist.Seat: ModeResults] = [.own: ModeResults(), .shared: ModeResults()]
        for round in 0..<rounds {
            for stage in round % 2 == 0 ? stages : stages.reversed() {
                progress("round \(round + 1) of \(rounds): \(stage.seat) seat\(stage.seat == .own ? "s" : ""), one alone, then three at once")
                let alone = try measure(stage, agents: [0], texts: texts, round: round)
                let three = try measure(stage, agents: [0, 1, 2], texts: texts, round: round)
                results[stage.seat]!.alone.append(alone)
                results[stage.seat]!.three.append(three)
            }
        }
        print(report(own: results[.own]!, shared: results[.shared]!))
    }

    /// Each of `agents` (indices of windows and texts) types its text into its window, all
    /// at once: sessions connected first, then all start together.
    func measure(_ stage: SeatsStage, agents: [Int], texts: [String], round: Int) throws -> Run {
        try stage.waitIdle()
        let recorder = stage.windows!
        let mark = recorder.events.count
        let n = agents.count
        let connected = Mutex(0), finished = Mutex(0)
        let outcomes = Mutex<[Int: SeatsTypist.Outcome]>([:])
        let windows = agents.map { recorder.windows[Self.windowNames[$0]]! }
        let boxedRecorder = AgentInjection.Handoff(value: recorder)
        let cpuBefore = stage.cpuSeconds()
        let socket = stage.agentSocket, seat = stage.seat
        runConcurrently(n + 1) { i in
            if i == n {
                // The X client's records, read while the agents type.
                while finished.withLock({ $0 }) < n { boxedRecorder.value.pump(timeout: 0.02) }
                return
            }
            let k = agents[i]
            var typist: SeatsTypist?
            var failure: String?
            do { typist = try SeatsTypist(socket: socket, name: "typist-\(Self.windowNames[k])-\(round)", seat: seat) } catch { failure = "\(error)" }
            connected.withLock { $0 += 1 }
            while connected.withLock({ $0 }) < n { MonotonicClock.sleep(.microseconds(100)) }
            var o = typist?.type(texts[k], into: windows[i]) ?? SeatsTypist.Outcome()
            if let failure { o.failure = failure }
            outcomes.withLock { $0[i] = o }
            finished.withLock { $0 += 1 }
            // The session stays until all are done: an ended session's seat is removed on
            // the daemon's X connection, which the others still type through.
            while finished.withLock({ $0 }) < n { MonotonicClock.sleep(.milliseconds(1)) }
            withExtendedLifetime(typist) {}
        }
        let cpuAfter = stage.cpuSeconds()
        let all = outcomes.withLock { m in (0..<n).map { m[$0]! } }
        for (i, o) in all.enumerated() {
            if let f = o.failure { throw BenchError("\(seat) seat, agent \(Self.windowNames[agents[i]]): \(f)") }
        }
        try recorder.settle()
        var delivery = Delivery()
        for (k, name) in Self.windowNames.enumerated() {
            delivery = delivery + Delivery(expected: agents.contains(k) ? texts[k] : "", received: recorder.typed(in: name, since: mark))
        }
        let began = all.compactMap(\.began).min()!, ended = all.compactMap(\.ended).max()!
        return Run(wall: Double((ended - began).nanosecondCount) / 1e9, outcomes: all, delivery: delivery,
                   daemonCPU: cpuAfter.daemon - cpuBefore.daemon, xvfbCPU: cpuAfter.xvfb - cpuBefore.xvfb)
    }

    /// A text of `length` characters, different for each seed: words of letters (both
    /// cases) and digits, one space between them.
    static func text(seed: Int, length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var s: [Character] = []
        while s.count < length {
            if !s.isEmpty { s.append(" ") }
            for _ in 0..<(2 + next(8)) { s.append(alphabet[next(alphabet.count)]) }
        }
        var t = Array(s.prefix(length))
        if t.last == " " { t[t.count - 1] = "x" }
        return String(t)
    }

    func progress(_ what: String) {
        FileHandle.standardError.write(Data("muxbench seats: \(what)\n".utf8))
    }

    func report(own: ModeResults, shared: ModeResults) -> String {
        func wall(_ runs: [Run]) -> Double? { Stats.median(runs.map(\.wall)) }
        func s(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
        func ratio(_ m: ModeResults) -> Double? { Stats.ratio(wall(m.three), wall(m.alone)) }
        func delivery(_ m: ModeResults) -> Delivery { (m.alone + m.three).map(\.delivery).reduce(Delivery(), +) }
        func refusals(_ m: ModeResults) -> Int { (m.alone + m.three).flatMap(\.outcomes).map(\.refusals).reduce(0, +) }
        func perRound(_ m: ModeResults) -> String {
            zip(m.three, m.alone).map { s($0.wall / $1.wall) }.joined(separator: " ")
        }
        var a = BenchTable(
            title: "seats: three agents each type a different \(length)-character text (letters of both cases, digits, spaces) into their own window "
                + "at once, against one agent typing one such text alone; inputmuxd in XTest mode on Xvfb 1280x800, default pacing; "
                + "\(rounds) round\(rounds == 1 ? "" : "s"), the two modes taking turns; medians of the rounds",
            header: ["mode", "one alone s", "three at once s", "three/alone", "misdelivered", "missing", "focus refusals", "three/alone by round"])
        for (name, m) in [("own seats ([x11] seats = true)", own), ("shared seat ([x11] seats = false)", shared)] {
            let d = delivery(m)
            a.rows.append([name, s(wall(m.alone)), s(wall(m.three)), s(ratio(m)) + "x", "\(d.misdelivered)", "\(d.missing)",
                           "\(refusals(m))", perRound(m)])
        }
        a.notes.append("own seats: each agent takes a lease on its window with the keyboard (mode try), types its text, releases; the daemon puts its seat's focus on the window.")
        a.notes.append("shared seat: one keyboard lease at a time, so each agent queues for a lease on its window with the keyboard (mode wait), clicks into the window "
            + "(no window manager: the focus follows the one pointer), types, releases; a type refused for focus (focus_elsewhere, focus_unproven) is counted, "
            + "and the agent clicks and types again. No agent holds a pointer-only lease meanwhile: none has anything to click while another types.")
        a.notes.append("time: first request (acquire) to last reply (release), sessions connected beforehand. Misdelivered: characters a window received "
            + "that are not its own text in order (another agent's, or its own repeated); missing: characters of its text it did not receive "
            + "(by the longest common subsequence). Characters and refusals are summed over all rounds, alone and three at once.")

        func median(_ v: [Double?]) -> Double? { Stats.median(v.compactMap { $0 }) }
        func slowest(_ runs: [Run]) -> Double? { Stats.median(runs.compactMap { $0.outcomes.compactMap(\.typeSeconds).max() }) }
        var b = BenchTable(title: "where the time goes (medians over rounds and agents; CPU: what inputmuxd and Xvfb used while three typed, hellos included)",
                           header: ["mode", "type gesture alone s", "type gesture among three s", "slowest of three s", "waiting for the lease among three s",
                                    "ms per character alone", "inputmuxd CPU s", "Xvfb CPU s"])
        for (name, m) in [("own seats", own), ("shared seat", shared)] {
            let alone = median(m.alone.flatMap(\.outcomes).map(\.typeSeconds))
            b.rows.append([name, s(alone), s(median(m.three.flatMap(\.outcomes).map(\.typeSeconds))), s(slowest(m.three)),
                           s(median(m.three.flatMap(\.outcomes).map(\.queueSeconds))), alone.map { String(format: "%.1f", $0 * 1000 / Double(length)) } ?? "-",
                           s(Stats.median(m.three.map(\.daemonCPU))), s(Stats.median(m.three.map(\.xvfbCPU)))])
        }

        let ownDelivery = delivery(own), ownRatio = ratio(own)
        let met = (ownRatio ?? 99) <= 1.2 && ownDelivery == Delivery() && refusals(own) == 0
        let verdict = "goal: own seats finish three within 1.2x of one alone, with 0 misdelivered and 0 focus refusals: \(met ? "met" : "NOT met") "
            + "(\(s(ownRatio))x, \(ownDelivery.misdelivered) misdelivered, \(ownDelivery.missing) missing, \(refusals(own)) refusals); "
            + "the shared seat takes \(s(ratio(shared)))x (about 3x expected: it serializes)"
        return a.render() + "\n" + b.render() + "\n" + verdict + "\n"
    }
}
