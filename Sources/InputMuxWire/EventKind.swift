/// The `event` names of the daemon's events (`{"type":"event","event":…}`,
/// docs/PROTOCOL.md, "Events"): the one table the daemon writes and the client reads.
public enum EventKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A queued or pending lease became active (carries `lease`, the lease object).
    case granted
    /// An operator or orchestrator took a lease away (`lease` id, `reason`).
    case revoked
    /// A lease is over (`lease` id, `reason`).
    case ended
    /// A lease (with `lease`) or every lease of the session (without) is paused.
    case paused
    /// The matching `paused` is over.
    case resumed
    /// A lease's region changed (`lease`, `region`).
    case moved
    /// The panic chord froze every agent (`reason`).
    case frozen
    case unfrozen
    /// The display's layout changed (`desktop`, `devices`).
    case desktop
    /// One audit decision, on the control socket after `monitor`.
    case audit

    public var description: String { rawValue }
}
