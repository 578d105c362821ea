import InputMuxWire

/// One line from inputmuxd as this library reads it: a reply to a request, or an event.
/// The one place the client turns the daemon's documents into values, by the protocol's
/// tables (`EventKind`, `ReasonCode`); the protocol contract test feeds it every reply
/// and event the daemon writes.
package enum DaemonMessage: Sendable {
    /// `result` on success; the daemon's `error` otherwise.
    case reply(id: Int64, Result<JSON, InputMuxError>)
    case event(DaemonEvent)

    /// Nil for a line that is not a message this client reads (not JSON, no `type`, an
    /// event kind it does not know); such lines are skipped.
    package init?(line: some Collection<UInt8>) {
        guard let message = JSON.parse(line) else { return nil }
        self.init(message)
    }

    package init?(_ message: JSON) {
        switch message["type"].string {
        case "event":
            guard let event = try? DaemonEvent(message) else { return nil }
            self = .event(event)
        case "reply":
            guard let id = message["id"].int.map(Int64.init) else { return nil }
            self = .reply(id: id, message["ok"].bool == true ? .success(message["result"]) : .failure(InputMuxError(wire: message["error"])))
        default:
            return nil
        }
    }
}

/// An event from inputmuxd, read.
package enum DaemonEvent: Sendable, Hashable {
    /// A queued or pending lease is active now.
    case granted(LeaseInfo)
    case revoked(lease: String, Reason)
    case ended(lease: String, Reason)
    /// One lease paused by an operator or orchestrator.
    case leasePaused(lease: String, Reason)
    case leaseResumed(lease: String)
    /// Every lease of the session paused: the human is active.
    case humanActive(Reason)
    case humanQuiet
    case moved(lease: String, Region)
    case frozen(Reason)
    case unfrozen
    /// The desktop's layout changed; `devices` are the session's device nodes from now on.
    case desktop(Region, devices: JSON)
    /// An audit decision (control socket, after `monitor`).
    case audit(AuditRecord)

    /// Reads `{"type":"event","event":…}`; throws for an unknown kind or a missing field.
    package init(_ event: JSON) throws(InputMuxError) {
        let name = event["event"].string ?? ""
        guard let kind = EventKind(rawValue: name) else {
            throw InputMuxError(.protocolViolation, "inputmuxd sent an event \"\(name)\" this client does not know; update the client library to inputmuxd's version")
        }
        let lease = event["lease"].string
        let reason = Reason(event["reason"], fallback: .protocolViolation)
        func leaseID() throws(InputMuxError) -> String {
            guard let lease else { throw InputMuxError(.protocolViolation, "inputmuxd sent a \(kind) event without its lease: \(event)") }
            return lease
        }
        switch kind {
        case .granted: self = .granted(try event["lease"].decode(LeaseInfo.self))
        case .revoked: self = .revoked(lease: try leaseID(), reason)
        case .ended: self = .ended(lease: try leaseID(), reason)
        case .paused: self = lease.map { .leasePaused(lease: $0, reason) } ?? .humanActive(reason)
        case .resumed: self = lease.map { .leaseResumed(lease: $0) } ?? .humanQuiet
        case .moved: self = .moved(lease: try leaseID(), try event["region"].decode(Region.self))
        case .frozen: self = .frozen(reason)
        case .unfrozen: self = .unfrozen
        case .desktop: self = .desktop(try event["desktop"].decode(Region.self), devices: event["devices"])
        case .audit: self = .audit(try event.decode(AuditRecord.self))
        }
    }
}
