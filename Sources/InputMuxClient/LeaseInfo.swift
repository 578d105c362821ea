import InputMuxWire

/// A lease as the daemon describes it (in acquire replies, events and status).
public struct LeaseInfo: Sendable, Hashable, WireObjectDecodable {
    /// `L12`.
    public var id: String
    public var holder: Identity
    /// `pending_approval`, `queued`, `active`, `paused` or `ended`.
    public var state: String
    public var region: Region
    public var pointer: Bool
    public var keyboard: Bool
    /// X11 window id of a window lease.
    public var window: Int?
    /// Milliseconds on the daemon's monotonic clock.
    public var requestedMs: Int
    public var grantedMs: Int?
    public var expiresMs: Int?
    /// Position in the queue (1 = next) while queued.
    public var position: Int?
    public var endedReason: String?

    public init(fields f: JSONFields) throws(WireError) {
        id = try f.string("id")
        holder = try f.decode("holder")
        state = try f.string("state")
        region = try f.decode("region")
        pointer = try f.bool("pointer") ?? false
        keyboard = try f.bool("keyboard") ?? false
        window = try f.optional("window")
        requestedMs = try f.decode("requested_ms")
        grantedMs = try f.optional("granted_ms")
        expiresMs = try f.optional("expires_ms")
        position = try f.optional("position")
        endedReason = try f.optionalString("ended_reason")
    }

    /// The TTL the daemon granted, when it says both ends.
    public var ttlMs: Int? {
        guard let g = grantedMs, let e = expiresMs, e > g else { return nil }
        return e - g
    }
}

/// What a lease is doing now, as this client last heard.
public enum LeaseState: Sendable, Hashable {
    /// A sensitive region: an operator must approve it.
    case pendingApproval(reason: String)
    /// Waiting in the FIFO queue; `position` 1 is next.
    case queued(position: Int, reason: String)
    case active
    /// Held, but gestures are refused until it resumes (human input, an operator).
    case paused(Reason)
    /// Over for good: released, revoked, expired, or lost with the connection.
    case ended(Reason)

    public var isActive: Bool { self == .active }
    public var isEnded: Bool { if case .ended = self { true } else { false } }
}

/// The lease that stands in a queued request's way, when the daemon's status shows it.
public struct LeaseHolder: Sendable, Hashable {
    public var lease: String
    public var holder: Identity
    public var region: Region
}

/// A change of one lease, in the order the daemon reported it. A new `events` sequence
/// starts with the lease's current state (`granted`, `queued`, `pendingApproval`,
/// `paused` or `ended`), then follows the changes.
public enum LeaseEvent: Sendable, Hashable {
    case granted(LeaseInfo)
    case queued(position: Int, holder: LeaseHolder?, reason: String)
    case pendingApproval(reason: String)
    /// Gestures are refused meanwhile: the human is active (`paused_human`), an operator
    /// paused the lease, or a panic froze every agent.
    case paused(Reason)
    case resumed
    /// The lease follows a window or was reassigned to another region.
    case moved(Region)
    /// An operator or orchestrator took the lease away.
    case revoked(Reason)
    /// The lease is over: released, TTL, queue timeout, denied, or `lease_lost` when the
    /// connection dropped (the daemon ends every lease of a closed session).
    case ended(Reason)

    /// True for the last event of a lease.
    public var isFinal: Bool {
        switch self {
        case .revoked, .ended: true
        default: false
        }
    }
}
