import InputMuxWire

/// An X11 window id (XID). Window leases follow the window's geometry.
public struct WindowID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "window 0x\(String(rawValue, radix: 16))" }
}

/// Where a lease applies: a fixed rectangle, or a window whose geometry the daemon keeps
/// up to date (`EngineInput.windowGeometry`).
public enum LeaseArea: Hashable, Sendable, CustomStringConvertible {
    case region(Region)
    case window(WindowID, geometry: Region)

    /// The rectangle the gate checks against right now.
    @inlinable public var region: Region {
        switch self {
        case .region(let r): r
        case .window(_, let g): g
        }
    }

    public var window: WindowID? {
        if case .window(let w, _) = self { return w }
        return nil
    }

    public var description: String {
        switch self {
        case .region(let r): "region \(r)"
        case .window(let w, let g): "\(w) at \(g)"
        }
    }
}

/// What a lease covers (DESIGN §1): the pointer inside an area, and/or the seat's one
/// keyboard, which is always bound to the same area (keys need focus evidence inside it).
public struct LeaseResources: Hashable, Sendable, CustomStringConvertible {
    public var area: LeaseArea
    public var pointer: Bool
    public var keyboard: Bool
    /// The holder types on a seat of its own (DESIGN §5a), whose focus InputMux puts on
    /// the lease: its keyboard is then bound to the area alone, not to the seat. Set by
    /// the engine from the holder, never by the request.
    public var ownSeat: Bool = false

    public init(area: LeaseArea, pointer: Bool = true, keyboard: Bool = false) {
        self.area = area; self.pointer = pointer; self.keyboard = keyboard
    }

    /// A pointer lease on `region`, with the keyboard if asked.
    public static func region(_ r: Region, keyboard: Bool = false) -> LeaseResources {
        LeaseResources(area: .region(r), pointer: true, keyboard: keyboard)
    }

    @inlinable public var region: Region { area.region }

    /// Two leases conflict when both want the keyboard of one seat (one holder per seat),
    /// or their rectangles overlap and at least one wants the pointer there: both
    /// pointers, or a keyboard lease's region over another's pointer region (DESIGN §1).
    /// Otherwise a keyboard-only lease over another agent's region would let its holder
    /// type into the window that agent focused. Two holders on seats of their own hold
    /// keyboards bound to their areas: they conflict only where those overlap.
    public func conflict(with other: LeaseResources) -> Conflict? {
        if keyboard && other.keyboard {
            if !(ownSeat && other.ownSeat) { return .keyboard }
            if region.overlaps(other.region) { return .region }
        }
        if (pointer || other.pointer) && region.overlaps(other.region) { return .region }
        return nil
    }

    public enum Conflict: Hashable, Sendable { case region, keyboard }

    public var description: String {
        switch (pointer, keyboard) {
        case (true, true): "\(area) with the keyboard"
        case (true, false): "\(area)"
        case (false, true): "the keyboard bound to \(area)"
        case (false, false): "nothing in \(area)"
        }
    }
}

/// How to answer when the resources are taken.
public enum AcquireMode: Hashable, Sendable {
    /// Join the FIFO queue; give up with `queue_timeout` after `timeout` if given.
    case wait(timeout: Duration?)
    /// Answer now: granted or denied with the reason.
    case `try`
}

/// An agent's request for a lease.
public struct LeaseRequest: Hashable, Sendable {
    public var resources: LeaseResources
    public var mode: AcquireMode
    /// Time to live without heartbeat or activity; `nil` means the configured default.
    /// Clamped to `EngineConfig.maximumTTL`.
    public var ttl: Duration?
    /// Set by the daemon's policy layer (never from the client's claim) for windows the
    /// policy marks sensitive; regions listed in `EngineConfig.sensitiveRegions` need
    /// approval anyway.
    public var needsApproval: Bool

    public init(_ resources: LeaseResources, mode: AcquireMode = .wait(timeout: nil), ttl: Duration? = nil,
                needsApproval: Bool = false) {
        self.resources = resources; self.mode = mode; self.ttl = ttl; self.needsApproval = needsApproval
    }
}

/// Where a lease is in its life (DESIGN §2):
/// `pendingApproval → queued → active ⇄ paused → ended(reason)`.
public enum LeaseState: Hashable, Sendable, CustomStringConvertible {
    case pendingApproval
    case queued
    case active
    /// Paused by an operator or orchestrator: still held (others still conflict), but the
    /// gate refuses its gestures until resumed.
    case paused
    case ended(ReasonCode)

    public var holdsResources: Bool { self == .active || self == .paused }

    public var description: String {
        switch self {
        case .pendingApproval: "pending approval"
        case .queued: "queued"
        case .active: "active"
        case .paused: "paused"
        case .ended(let r): "ended (\(r.rawValue))"
        }
    }
}

/// One lease: who holds what since when, and when it lapses.
public struct Lease: Hashable, Sendable {
    public var id: LeaseID
    public var holder: SessionID
    public var resources: LeaseResources
    public var state: LeaseState
    public var mode: AcquireMode
    /// The acquire request, answered when the lease is granted, queued or refused.
    public var request: RequestID
    public var requestedAt: Instant
    public var grantedAt: Instant?
    public var ttl: Duration
    /// TTL deadline while held; renewed by heartbeat and activity.
    public var expiresAt: Instant?
    /// When a waiter gives up (`wait(timeout:)`), or a pending approval lapses.
    public var queueDeadline: Instant?
    /// FIFO order among requests: lower came first.
    var sequence: UInt64
    /// An operator approved capturing what it shows (`muxctl approve L --capture`), which
    /// a sensitive region with `capture = "approve"` asks for.
    public var captureApproved = false

    @inlinable public var region: Region { resources.region }
}
