/// What `muxbench passthrough` prints: a table, or one JSON object.
struct PassthroughReport {
    var frames: Int
    var bare: LatencySummary
    var inputmux: LatencySummary
    var interception: LatencySummary?
    var interceptionNote: String?
    var allocations: UInt64
    var pumpedFrames: UInt64
    /// The CPU every process was pinned to, or nil.
    var pinnedCPU: Int?

    var addedP50: Double { inputmux.p50 - bare.p50 }
    var addedP99: Double { inputmux.p99 - bare.p99 }
    var interceptionAddedP50: Double? { interception.map { $0.p50 - bare.p50 } }
    var interceptionAddedP99: Double? { interception.map { $0.p99 - bare.p99 } }
    var allocationsPerFrame: Double { pumpedFrames == 0 ? .nan : Double(allocations) / Double(pumpedFrames) }

    var goalWithinOneHop: Bool { addedP50 <= bare.p50 && addedP99 <= bare.p99 }
    var goalHalfOfInterception: Bool? {
        guard let i50 = interceptionAddedP50, let i99 = interceptionAddedP99 else { return nil }
        return addedP50 <= i50 / 2 && addedP99 <= i99 / 2
    }
    var goalNoAllocation: Bool { allocations == 0 && pumpedFrames > 0 }

    static func fmt(_ v: Double) -> String {
        if v.isNaN { return "-" }
        let r = (v * 10).rounded() / 10
        return String(r)
    }

    /// Two decimals: the goal is a ratio of 0.5, and 0.54 must not print as "0.5".
    static func ratio(_ v: Double) -> String {
        if v.isNaN { return "-" }
        return String((v * 100).rounded() / 100)
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    func table() -> String {
        var rows: [[String]] = [["path", "p50 µs", "p99 µs", "added p50", "added p99", "added vs interception"]]
        rows.append(["bare kernel hop (uinput → evdev)", Self.fmt(bare.p50), Self.fmt(bare.p99), "-", "-", "-"])
        let ratio: String
        if let i50 = interceptionAddedP50, let i99 = interceptionAddedP99 {
            ratio = "\(Self.ratio(addedP50 / i50))x p50, \(Self.ratio(addedP99 / i99))x p99"
        } else {
            ratio = "-"
        }
        rows.append(["inputmux (grab → libevdev → clone)", Self.fmt(inputmux.p50), Self.fmt(inputmux.p99),
                     "+" + Self.fmt(addedP50), "+" + Self.fmt(addedP99), ratio])
        if let i = interception {
            rows.append(["interception-tools (intercept | uinput)", Self.fmt(i.p50), Self.fmt(i.p99),
                         "+" + Self.fmt(interceptionAddedP50!), "+" + Self.fmt(interceptionAddedP99!), "1.0x"])
        } else {
            rows.append(["interception-tools (intercept | uinput)", "-", "-", "-", "-", interceptionNote ?? "not measured"])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        var out = "passthrough latency over \(frames) frames per path, in 10 interleaved rounds "
            + "(one frame in flight; write on the physical device → a reader blocked on the target node; "
            + (pinnedCPU.map { "all processes on CPU \($0)" } ?? "not pinned") + ")\n"
        for (i, row) in rows.enumerated() {
            out += row.enumerated().map { c, cell in c == 0 ? Self.pad(cell, widths[c]) : Self.lpad(cell, widths[c]) }
                .joined(separator: "  ") + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        out += "heap allocations on the hot path (pump): \(allocations) over \(pumpedFrames) frames = \(Self.fmt(allocationsPerFrame)) per frame\n"
        func mark(_ b: Bool?) -> String { b.map { $0 ? "met" : "MISSED" } ?? "not measured" }
        out += "goal: added latency ≤ one bare hop at p50 and p99: \(mark(goalWithinOneHop))"
            + " (added = \(Self.ratio(addedP50 / bare.p50)) hops at p50, \(Self.ratio(addedP99 / bare.p99)) at p99)\n"
        out += "goal: added latency ≤ half of interception-tools' at p50 and p99: \(mark(goalHalfOfInterception))\n"
        out += "goal: 0 allocations per frame: \(mark(goalNoAllocation))"
        return out
    }

    func json() -> String {
        func num(_ v: Double?) -> String { guard let v, !v.isNaN else { return "null" }; return Self.fmt(v) }
        func path(_ s: LatencySummary?) -> String {
            guard let s else { return "null" }
            return "{\"p50_us\":\(num(s.p50)),\"p99_us\":\(num(s.p99)),\"samples\":\(s.samples)}"
        }
        func bool(_ b: Bool?) -> String { b.map { $0 ? "true" : "false" } ?? "null" }
        let note = interceptionNote.map { "\"" + $0.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\"" } ?? "null"
        return "{\"benchmark\":\"passthrough\",\"frames\":\(frames),\"pinned_cpu\":\(pinnedCPU.map(String.init) ?? "null"),"
            + "\"bare\":\(path(bare)),\"inputmux\":\(path(inputmux)),\"interception_tools\":\(path(interception)),"
            + "\"interception_tools_note\":\(note),"
            + "\"inputmux_added_p50_us\":\(num(addedP50)),\"inputmux_added_p99_us\":\(num(addedP99)),"
            + "\"interception_added_p50_us\":\(num(interceptionAddedP50)),\"interception_added_p99_us\":\(num(interceptionAddedP99)),"
            + "\"allocations\":\(allocations),\"pumped_frames\":\(pumpedFrames),\"allocations_per_frame\":\(num(allocationsPerFrame)),"
            + "\"goals\":{\"added_within_one_hop\":\(bool(goalWithinOneHop)),\"half_of_interception\":\(bool(goalHalfOfInterception)),"
            + "\"zero_allocations\":\(bool(goalNoAllocation))}}"
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
