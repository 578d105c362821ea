import InputMuxClient
import enum InputMuxWire.PrintableText

/// The text `muxctl status`, `sessions` and `devices` print. Times are shown relative to
/// the daemon's clock at the moment of the status (`time_ms`): "since 12s", "TTL 18s".
public enum StatusView {
    public static func render(_ r: StatusReport) -> String {
        var sections = [
            stateLine(r) + (r.desktop.map { "\nDESKTOP: \($0)" } ?? ""),
            "SESSIONS\n" + sessions(r.sessions),
            "SEATS (of their own)\n" + seats(r.seats, now: r.timeMs),
            "LEASES\n" + leases(r.held, now: r.timeMs, empty: "  (no lease held)"),
            "QUEUE\n" + leases(r.waiting, now: r.timeMs, empty: "  (nobody waiting)"),
            "DEVICES\n" + devices(r.devices ?? []),
        ]
        if let f = r.foreignInput { sections.append("FOREIGN INPUT (other XTest clients)\n" + foreign(f, now: r.timeMs)) }
        if r.truncated == true, let o = r.omitted {
            sections.append("TRUNCATED: the status was too large for the daemon's output bound (max_outbound_bytes); not shown: "
                + "\(o.held) held, \(o.waiting) waiting, \(o.sessions) sessions, \(o.cancelTargets) cancel targets")
        }
        return sections.joined(separator: "\n\n")
    }

    /// What the X11 adapter saw other XTest clients inject: how much, and the latest.
    public static func foreign(_ f: StatusReport.ForeignInput, now: Int) -> String {
        guard let last = f.last, f.count > 0 else { return "  (none seen)" }
        var place = ""
        if let x = last.x, let y = last.y { place = " at \(x),\(y)" }
        return "  \(f.count) event\(f.count == 1 ? "" : "s"); latest \(duration(now - last.timeMs)) ago: \(PrintableText.escaped(last.what))\(place)"
    }

    /// Paused or frozen state of the whole seat, in one line.
    public static func stateLine(_ r: StatusReport) -> String {
        var facts: [String] = []
        if let f = r.frozenSinceMs {
            facts.append("FROZEN by the panic chord \(duration(r.timeMs - f)) ago: agents wait until `muxctl unfreeze`")
        }
        if let q = r.humanQuietMs, q > r.timeMs {
            facts.append("PAUSED: human input, agents resume in \(duration(q - r.timeMs))")
        }
        if let s = r.seatBusyWith { facts.append("seat busy with session \(s)'s gesture") }
        if r.seatQueue > 0 { facts.append("\(r.seatQueue) gesture\(r.seatQueue == 1 ? "" : "s") waiting for the seat") }
        if facts.isEmpty { facts.append("running: agents may act") }
        return "STATE: " + facts.joined(separator: "; ")
    }

    /// Sessions on seats of their own; everyone else shares the human's seat.
    public static func seats(_ seats: [StatusReport.Seat], now: Int) -> String {
        var t = TextTable(["SESSION", "SEAT", "STATE", "QUEUE"])
        for s in seats {
            var state = s.busy ? "busy" : "idle"
            if let q = s.humanQuietMs, q > now { state = "paused by the human, \(duration(q - now)) left" }
            t.add([String(s.session), s.name, state, String(s.queue)])
        }
        return t.render(empty: "  (none: every session shares the human's seat)")
    }

    public static func sessions(_ sessions: [Identity]) -> String {
        var t = TextTable(["SESSION", "NAME", "UID", "GID", "PID", "EXE"])
        for s in sessions {
            t.add([String(s.session), s.name, String(s.uid), String(s.gid), String(s.pid), s.exe.isEmpty ? "-" : s.exe])
        }
        return t.render(empty: "  (no agent connected)")
    }

    public static func leases(_ ls: [LeaseInfo], now: Int, empty: String) -> String {
        var t = TextTable(["LEASE", "HOLDER", "STATE", "REGION", "USES", "SINCE", "TTL"])
        for l in ls {
            var uses: [String] = []
            if l.pointer { uses.append("pointer") }
            if l.keyboard { uses.append("keyboard") }
            if let w = l.window { uses.append("window 0x" + String(w, radix: 16)) }
            var state = l.state
            if let p = l.position { state += " #\(p)" }
            if let why = l.endedReason { state += " (\(why))" }
            let ttl = l.expiresMs.map { $0 > now ? duration($0 - now) : "lapsing" } ?? "-"
            t.add([l.id, "\(l.holder.name)#\(l.holder.session)", state, l.region.description, uses.joined(separator: "+"),
                   duration(now - (l.grantedMs ?? l.requestedMs)), ttl])
        }
        return t.render(empty: empty)
    }

    public static func devices(_ devices: [StatusReport.DeviceSummary]) -> String {
        var t = TextTable(["ID", "DEVICE", "NAME", "CLONE", "CLASSES"])
        for d in devices { t.add([String(d.id), d.path, d.name, d.clone, d.classes]) }
        return t.render(empty: "  (no physical device grabbed)")
    }

    /// `1.5s`, `42s`, `3m07s`, `2h05m`.
    public static func duration(_ ms: Int) -> String {
        let ms = max(0, ms)
        if ms < 10_000 { return String(ms / 1000) + "." + String(ms % 1000 / 100) + "s" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad(s % 60) + "s" }
        return "\(s / 3600)h" + pad(s % 3600 / 60) + "m"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
