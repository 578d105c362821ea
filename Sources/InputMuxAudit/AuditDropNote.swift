import InputMuxCore

/// The record the audit writer chains in when it had to drop decisions (its queue was
/// full: a hung disk, or a flood faster than it writes). It stands where the dropped
/// records would have been, so `muxctl audit verify` reports the gap and its size: the
/// chain itself stays intact, since the dropped decisions never got a sequence number.
///
/// The number travels in the record's message, in one fixed sentence:
/// `audit records dropped: 120 (the writer fell 65536 records behind)`.
public struct AuditDropNote: Hashable, Sendable {
    public static let action = "audit.dropped"

    /// Decisions that were never written.
    public var dropped: Int
    /// How far behind the writer was when it started dropping.
    public var backlog: Int

    public init(dropped: Int, backlog: Int) {
        self.dropped = dropped
        self.backlog = backlog
    }

    public var message: String { "audit records dropped: \(dropped) (the writer fell \(backlog) records behind)" }

    /// The note as an audit event, stamped with the time of the last decision before it.
    public func event(time: Instant) -> AuditEvent {
        AuditEvent(time: time, action: Self.action, decision: .dropped, message: message)
    }

    /// Reads a note back from a record's action, decision and message; nil for any other
    /// record.
    public init?(action: String, decision: String, message: String) {
        guard action == Self.action, decision == AuditDecision.dropped.rawValue else { return nil }
        let words = message.split(separator: " ")
        guard words.count == 10, words[0] == "audit", words[1] == "records", words[2] == "dropped:",
              let n = Int(words[3]), n >= 0, words[4] == "(the", words[5] == "writer", words[6] == "fell",
              let b = Int(words[7]), words[8] == "records", words[9] == "behind)" else { return nil }
        self.init(dropped: n, backlog: b)
    }
}
