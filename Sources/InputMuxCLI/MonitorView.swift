import InputMuxClient
import enum InputMuxWire.PrintableText
import InputMuxWire

/// How `muxctl monitor` prints one audit decision streamed by the control socket
/// (`{"type":"event","event":"audit",…}`, docs/PROTOCOL.md).
public enum MonitorView {
    public static func line(_ r: AuditRecord, clock: String) -> String {
        let agent = r.agent.map { "\($0.name)#\($0.session)" } ?? "-"
        var action = r.action
        if !r.points.isEmpty {
            let shown = r.points.prefix(4).map { $0.map(String.init).joined(separator: ",") }
            action += " " + shown.joined(separator: " ") + (r.points.count > 4 ? " …" : "")
        }
        if let t = r.text { action += " (\(t.length) chars)" }
        if let c = r.capture { action += " " + capture(c) }
        let verdict = (r.decision == "allowed" ? r.decision : r.decision.uppercased()) + (r.reason.map { " \($0)" } ?? "")
        // Everything here but the clock came from clients or quotes them: escaped.
        return PrintableText.escaped("\(clock)  \(verdict)  \(agent)  \(r.lease ?? "-")  \(action)  \(r.message)")
    }
}

extension MonitorView {
    /// A capture in a few words: `0,0,960x1080 as 1280x720 png 48213 B sha256 9f2c1a0b… settled in 212 ms`.
    public static func capture(_ c: AuditRecord.CaptureFacts) -> String {
        var text = "\(c.rect) as \(c.width)x\(c.height) \(c.format) \(c.bytes) B sha256 \(c.sha256.prefix(12))…"
        switch c.settled {
        case true?: text += " settled in \(c.settleMs) ms"
        case false?: text += " NOT settled after \(c.settleMs) ms"
        case nil: break
        }
        return text
    }

    /// One compact JSON line per decision (`--json`), in the protocol's field names.
    public static func json(_ r: AuditRecord) -> String {
        var o: [String: JSON] = [
            "time_ms": .int(Int64(r.timeMs)), "action": .string(r.action), "decision": .string(r.decision),
            "message": .string(r.message), "points": .array(r.points.map { .array($0.map { .int(Int64($0)) }) }),
        ]
        if let reason = r.reason { o["reason"] = .string(reason) }
        if let lease = r.lease { o["lease"] = .string(lease) }
        if let a = r.agent {
            o["agent"] = ["name": .string(a.name), "session": .int(Int64(a.session)), "uid": .int(Int64(a.uid)),
                          "gid": .int(Int64(a.gid)), "pid": .int(Int64(a.pid)), "exe": .string(a.exe)]
        }
        if let t = r.text { o["text"] = ["length": .int(Int64(t.length)), "hmac": .string(t.hmac)] }
        if let c = r.capture {
            var capture: [String: JSON] = [
                "rect": ["x": .int(Int64(c.rect.x)), "y": .int(Int64(c.rect.y)), "width": .int(Int64(c.rect.width)),
                         "height": .int(Int64(c.rect.height)), "text": .string(c.rect.description)],
                "width": .int(Int64(c.width)), "height": .int(Int64(c.height)), "format": .string(c.format),
                "bytes": .int(Int64(c.bytes)), "sha256": .string(c.sha256), "settle_ms": .int(Int64(c.settleMs)),
            ]
            if let s = c.settled { capture["settled"] = .bool(s) }
            o["capture"] = .object(capture)
        }
        return JSON.object(o).serialized
    }
}
