/// The text `muxctl status`, `sessions` and `devices` print. Times are shown relative to
/// the daemon's clock at the moment of the status (`time_ms`): "since 12s", "TTL 18s".
public enum StatusView {
    public static func render(_ r: StatusReport) -> String {
        var parts: [String] = []
        parts.append(stateLine(r))
        parts.append("SESSIONS\n" + sessions(r))
        parts.append("LEASES\n" + leases(r.held, now: r.timeMs, empty: "  (no lease held)"))
        parts.append("QUEUE\n" + leases(r.waiting, now: r.timeMs, empty: "  (nobody waiting)"))
        parts.append("DEVICES\n" + devices(r))
        return parts.joined(separator: "\n\n")
    }

    /// Paused or frozen state of the whole seat, in one line.
    public static func stateLine(_ r: StatusReport) -> String {
        var facts: [String] = []
        if let f = r.frozenSinceMs {
            facts.append("FROZEN by the panic chord \(ago(f, now: r.timeMs)) ago: agents wait until `muxctl unfreeze`")
        }
        if let q = r.humanQuietMs, let now = r.timeMs, q > now {
            facts.append("PAUSED: human input, agents resume in \(duration(q - now))")
        }
        if let s = r.seatBusyWith { facts.append("seat busy with session \(s)'s gesture") }
        if let n = r.seatQueue, n > 0 { facts.append("\(n) gesture\(n == 1 ? "" : "s") waiting for the seat") }
        if facts.isEmpty { facts.append("running: agents may act") }
        return "STATE: " + facts.joined(separator: "; ")
    }

    public static func sessions(_ r: StatusReport) -> String {
        var t = TextTable(["SESSION", "NAME", "UID", "GID", "PID", "EXE"])
        for s in r.sessions {
            t.add([String(s.session), s.name, opt(s.uid), opt(s.gid), opt(s.pid), s.exe ?? "-"])
        }
        return t.render(empty: "  (no agent connected)")
    }

    public static func leases(_ ls: [StatusReport.Lease], now: Int64?, empty: String) -> String {
        var t = TextTable(["LEASE", "HOLDER", "STATE", "REGION", "USES", "SINCE", "TTL"])
        for l in ls {
            var uses: [String] = []
            if l.pointer ?? true { uses.append("pointer") }
            if l.keyboard ?? false { uses.append("keyboard") }
            if let w = l.window { uses.append("window 0x" + String(w, radix: 16)) }
            var state = l.state
            if let p = l.position { state += " #\(p)" }
            if let why = l.endedReason { state += " (\(why))" }
            let since = l.grantedMs ?? l.requestedMs
            t.add([l.id, l.holder.label, state, l.region?.text ?? "-", uses.joined(separator: "+"),
                   since.map { ago($0, now: now) } ?? "-",
                   l.expiresMs.map { e in now.map { e > $0 ? duration(e - $0) : "lapsing" } ?? "-" } ?? "-"])
        }
        return t.render(empty: empty)
    }

    public static func devices(_ r: StatusReport) -> String {
        var t = TextTable(["ID", "DEVICE", "NAME", "CLONE", "CLASSES"])
        for d in r.devices {
            t.add([opt(d.id), d.path, d.name, d.clone ?? "-", d.classes ?? "-"])
        }
        return t.render(empty: "  (no physical device grabbed)")
    }

    /// `1.5s`, `42s`, `3m07s`, `2h05m`.
    public static func duration(_ ms: Int64) -> String {
        let ms = max(0, ms)
        if ms < 10_000 { return String(ms / 1000) + "." + String(ms % 1000 / 100) + "s" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad(s % 60) + "s" }
        return "\(s / 3600)h" + pad(s % 3600 / 60) + "m"
    }

    static func ago(_ t: Int64, now: Int64?) -> String {
        guard let now else { return "-" }
        return duration(now - t)
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func opt(_ v: Int?) -> String { v.map(String.init) ?? "-" }
}
