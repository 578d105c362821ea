import InputMuxWire

/// Repeated refusals fold into one counted audit record (issue 15, audit flooding): a
/// client that sends thousands of requests the engine refuses in an instant must not be
/// able to write thousands of records and rotate the retained history away.
///
/// The first refusal of a kind (same session, action and reason) is audited as always
/// and opens a window of `EngineConfig.refusalFoldWindow`; identical refusals inside it
/// are only counted. When the window ends (or the session goes), one record with
/// `repeated: N` stands for them, with the last one's message. A steady flood thus
/// writes two records per window and kind, whatever its rate.
struct RefusalFold: Sendable {
    struct Key: Hashable, Sendable, Comparable {
        var session: SessionID
        var action: String
        var reason: ReasonCode

        static func < (a: Key, b: Key) -> Bool {
            (a.session.rawValue, a.action, a.reason.rawValue) < (b.session.rawValue, b.action, b.reason.rawValue)
        }
    }

    /// When the audited refusal that opened the window happened.
    var opened: Instant
    /// Identical refusals since, not audited one by one.
    var repeated: Int
    /// The latest of them, for the closing record.
    var last: AuditEvent
}

extension Engine {
    /// Audits a refusal of a session's request, or counts it when an identical one was
    /// audited less than `refusalFoldWindow` ago.
    mutating func auditRefusal(_ e: AuditEvent, into out: inout some EngineOutput) {
        let window = config.refusalFoldWindow
        guard window > .zero, let s = e.identity?.session, let reason = e.reason else { return out.audit(e) }
        let key = RefusalFold.Key(session: s, action: e.action, reason: reason)
        if var f = refusalFolds[key] {
            if now < f.opened + window {
                f.repeated += 1
                f.last = e
                refusalFolds[key] = f
                return
            }
            close(key, f, into: &out)
        }
        out.audit(e)
        refusalFolds[key] = RefusalFold(opened: now, repeated: 0, last: e)
        let end = now + window
        if refusalFoldDeadline == nil || end < refusalFoldDeadline! { refusalFoldDeadline = end }
    }

    /// Writes the counted record of every fold whose window has ended (or, with
    /// `session`, of every fold of that session: it is going).
    mutating func flushRefusalFolds(of session: SessionID? = nil, into out: inout some EngineOutput) {
        if session == nil {
            guard let d = refusalFoldDeadline, now >= d else { return }
        } else if refusalFolds.isEmpty {
            return
        }
        var next: Instant?
        for key in refusalFolds.keys.sorted() {
            let f = refusalFolds[key]!
            if key.session == session || (session == nil && now >= f.opened + config.refusalFoldWindow) {
                close(key, f, into: &out)
            } else {
                let end = f.opened + config.refusalFoldWindow
                if next == nil || end < next! { next = end }
            }
        }
        refusalFoldDeadline = next
    }

    private mutating func close(_ key: RefusalFold.Key, _ f: RefusalFold, into out: inout some EngineOutput) {
        refusalFolds[key] = nil
        guard f.repeated > 0 else { return }
        let times = f.repeated == 1 ? "once more" : "\(f.repeated) more times"
        out.audit(AuditEvent(time: now, identity: f.last.identity, lease: f.last.lease, action: key.action,
                             points: f.last.points, decision: .rejected, reason: key.reason,
                             message: "\(f.last.message) (repeated \(times) since \(config.describe(f.opened)), folded into this record)",
                             repeated: f.repeated))
    }
}
