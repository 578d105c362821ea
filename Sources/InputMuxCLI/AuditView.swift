import InputMuxAudit
import enum InputMuxWire.PrintableText

/// How `muxctl audit` prints records and which it keeps.
public enum AuditView {
    /// One record on one line: sequence, time, agent, lease, action and points, decision,
    /// reason, the message.
    public static func line(_ e: AuditLogEntry) -> String {
        var agent = e.agent ?? "-"
        if let s = e.session, e.agent != nil { agent += "#\(s)" }
        var action = e.action
        if !e.points.isEmpty { action += " " + e.points.map(\.description).joined(separator: " ") }
        if let n = e.textLength { action += " (\(n) chars)" }
        let decision = e.reason.map { "\(e.decision)/\($0)" } ?? e.decision
        // Names, actions and messages came from the log, which quotes clients: escaped.
        return PrintableText.escaped("\(e.sequence)  \(e.time)  \(agent)  \(e.lease ?? "-")  \(action)  \(decision)  \(e.message)")
    }

    /// The filter `--agent`/`--lease` apply to records read live (`--follow`), the same
    /// `AuditLogReader.records` applies to those on disk.
    public struct Filter: Sendable {
        public var agent: String?
        public var lease: String?

        public init(agent: String? = nil, lease: String? = nil) {
            self.agent = agent
            self.lease = lease.map(normalizedLease)
        }

        public func keeps(_ e: AuditLogEntry) -> Bool {
            if let agent, !e.matches(agent: agent) { return false }
            if let lease, e.lease != lease { return false }
            return true
        }
    }

    /// `12` and `L12` both name lease L12.
    public static func normalizedLease(_ s: String) -> String {
        s.first?.isNumber == true ? "L" + s : s
    }
}
