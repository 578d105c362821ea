import InputMuxCore

/// The record that ends each rotated audit file (or, with `keep_files` 0, opens the new
/// one). It is chained like any other record, so it cannot be forged or removed without
/// breaking the chain, and it says which old records rotation deleted. That is how `AuditLogReader` tells a log
/// whose oldest files rotation removed (the note accounts for the missing start) from one
/// whose oldest files someone deleted (nothing accounts for them).
///
/// The numbers travel in the record's message, in one fixed sentence:
/// `audit file rotated; records through 80 deleted (keep_files 2)` or
/// `audit file rotated; nothing deleted (keep_files 8)`.
public struct AuditRotationNote: Hashable, Sendable {
    public static let action = "audit.rotate"

    /// The newest record in the files rotation deleted; nil when it deleted none.
    public var deletedThrough: UInt64?
    public var keepFiles: Int

    public init(deletedThrough: UInt64?, keepFiles: Int) {
        self.deletedThrough = deletedThrough
        self.keepFiles = keepFiles
    }

    public var message: String {
        let deleted = deletedThrough.map { "records through \($0) deleted" } ?? "nothing deleted"
        return "audit file rotated; \(deleted) (keep_files \(keepFiles))"
    }

    /// The note as an audit event, stamped with the time of the event that caused the
    /// rotation (the log has no monotonic clock of its own).
    public func event(time: Instant) -> AuditEvent {
        AuditEvent(time: time, action: Self.action, decision: .rotated, message: message)
    }

    /// Reads a note back from a record's action, decision and message; nil for any other
    /// record.
    public init?(action: String, decision: String, message: String) {
        guard action == Self.action, decision == AuditDecision.rotated.rawValue else { return nil }
        var words = message.split(separator: " ")[...]
        func take(_ w: String) -> Bool {
            guard words.first == Substring(w) else { return false }
            words.removeFirst()
            return true
        }
        func number(trimming suffix: Character? = nil) -> UInt64? {
            guard var w = words.popFirst() else { return nil }
            if let suffix { guard w.last == suffix else { return nil }; w.removeLast() }
            return UInt64(w)
        }
        guard take("audit"), take("file"), take("rotated;") else { return nil }
        var deleted: UInt64?
        if take("records") {
            guard take("through"), let d = number(), take("deleted") else { return nil }
            deleted = d
        } else {
            guard take("nothing"), take("deleted") else { return nil }
        }
        guard take("(keep_files"), let keep = number(trimming: ")"), words.isEmpty else { return nil }
        self.init(deletedThrough: deleted, keepFiles: Int(keep))
    }
}
