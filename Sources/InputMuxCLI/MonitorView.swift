import InputMuxDaemon

/// How `muxctl monitor` prints one audit decision streamed by the control socket
/// (`{"type":"event","event":"audit",…}`, docs/PROTOCOL.md).
public enum MonitorView {
    public static func line(_ event: JSONValue, clock: String) -> String? {
        guard let o = event.objectValue, o["event"]?.stringValue == "audit" else { return nil }
        let decision = o["decision"]?.stringValue ?? "?"
        var agent = "-"
        if let a = o["agent"]?.objectValue, let name = a["name"]?.stringValue {
            agent = name
            if case .int(let s)? = a["session"] { agent += "#\(s)" }
        }
        var action = o["action"]?.stringValue ?? "?"
        if case .array(let points)? = o["points"], !points.isEmpty {
            let shown = points.prefix(4).compactMap { p -> String? in
                guard case .array(let xy) = p, xy.count == 2, case .int(let x) = xy[0], case .int(let y) = xy[1] else { return nil }
                return "\(x),\(y)"
            }
            action += " " + shown.joined(separator: " ") + (points.count > 4 ? " …" : "")
        }
        if case .object(let t)? = o["text"], case .int(let n)? = t["length"] { action += " (\(n) chars)" }
        let verdict = (decision == "allowed" ? decision : decision.uppercased())
            + (o["reason"]?.stringValue.map { " \($0)" } ?? "")
        let message = o["message"]?.stringValue ?? ""
        return "\(clock)  \(verdict)  \(agent)  \(o["lease"]?.stringValue ?? "-")  \(action)  \(message)"
    }
}
