/// Where the engine's decisions go. The daemon writes frames to uinput, replies and
/// events to sockets, audit records to the log, and creates/destroys devices; tests
/// collect everything (`CollectingOutput`). Calls arrive in the order things must happen.
public protocol EngineOutput {
    /// Write one frame (a `SYN_REPORT` is appended by the writer) to a virtual device.
    mutating func emit(_ frame: Frame, to device: DeviceRef)
    /// Answer a request; every request gets exactly one reply.
    mutating func reply(_ reply: Reply, to requester: Requester, for request: RequestID)
    /// Tell a session something it did not ask about right now (granted, ended, paused, ...).
    mutating func notify(_ event: LeaseEvent, to session: SessionID)
    mutating func audit(_ event: AuditEvent)
    /// Create or destroy a session's virtual pointer and keyboard.
    mutating func device(_ action: DeviceAction)
    /// Make this allowed capture and report back with `EngineInput.captured`.
    mutating func capture(_ order: CaptureOrder)
    /// Puts the keyboard focus of session `s`'s own seat on `target` before its keys are
    /// written, and reads it back: refused when the window system did not take it (the
    /// window is gone or unmapped, or only the seat's own click can move it), and then no
    /// key of the gesture is written.
    mutating func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome
}

/// Who sent a request.
public enum Requester: Hashable, Sendable, CustomStringConvertible {
    case session(SessionID)
    case `operator`(OperatorID)

    public var description: String {
        switch self {
        case .session(let s): "session \(s)"
        case .operator(let o): "\(o)"
        }
    }
}

public enum DeviceAction: Hashable, Sendable {
    /// Create `inputmux agent NAME#SID pointer|keyboard` for this session.
    case create(AgentIdentity)
    /// Destroy them (after the engine has released everything they held).
    case destroy(SessionID)
    /// The desktop changed: replace the session's devices by ones sized to `desktop`
    /// (after the engine released everything the old ones held), then tell the session
    /// the new desktop and device nodes.
    case replace(AgentIdentity, desktop: Region)
}

/// The one answer to a request.
public enum Reply: Hashable, Sendable {
    case granted(LeaseInfo)
    /// Waiting in the queue; `reason` names the holder, since when, and what ends it.
    case queued(LeaseInfo, position: Int, reason: String)
    case pendingApproval(LeaseInfo, reason: String)
    /// The request was carried out (a gesture finished, a lease released, a verb applied).
    case done
    case status(StatusSnapshot)
    /// A capture was made: the daemon sends the image with these facts.
    case captured(CaptureOrder, CaptureFacts)
    case rejected(Rejection)

    public var rejection: Rejection? {
        if case .rejected(let r) = self { return r }
        return nil
    }

    public var lease: LeaseInfo? {
        switch self {
        case .granted(let l), .queued(let l, _, _), .pendingApproval(let l, _): l
        default: nil
        }
    }
}

/// Something that happened to a session without it asking just now.
public enum LeaseEvent: Hashable, Sendable {
    /// A queued or approved lease is now active.
    case granted(LeaseInfo)
    /// The lease ended (released, TTL, revoke, ...); the reason says why and what next.
    case ended(LeaseID, Rejection)
    /// An operator or orchestrator paused the lease.
    case paused(LeaseID, Rejection)
    case resumed(LeaseID)
    /// A window lease's region followed its window.
    case moved(LeaseID, Region)
    /// The human is active: every agent is paused until the quiet period passes.
    case humanActive(Rejection)
    /// The quiet period passed: agents may act again (nothing queued is replayed).
    case humanQuiet
    /// The panic chord froze every agent until an operator resumes.
    case frozen(Rejection)
    case unfrozen
}

/// A lease as others may see it: in status, replies and events.
public struct LeaseInfo: Hashable, Sendable, CustomStringConvertible {
    public var id: LeaseID
    public var holder: AgentIdentity
    public var resources: LeaseResources
    public var state: LeaseState
    public var requestedAt: Instant
    public var grantedAt: Instant?
    public var expiresAt: Instant?
    /// 1-based, while queued.
    public var queuePosition: Int?

    public var description: String { "\(id) \(holder) \(resources) \(state)" }
}

/// What `status` shows. Taking it changes nothing.
public struct StatusSnapshot: Hashable, Sendable {
    public var time: Instant
    /// Held and paused leases, by id.
    public var held: [LeaseInfo]
    /// Waiters in FIFO order, then leases pending approval.
    public var waiting: [LeaseInfo]
    public var sessions: [AgentIdentity]
    /// Agents are paused for the human until then.
    public var humanQuietAt: Instant?
    public var frozenSince: Instant?
    /// The session whose gesture is running on the seat, and how many wait behind it.
    public var seatBusyWith: SessionID?
    public var seatQueueLength: Int
    /// A session that left keys or buttons down and so keeps the seat until it lets go.
    public var seatHeldBy: SessionID?
    /// For an orchestrator: the leases it may pause/revoke/reassign. Never its own.
    public var cancelTargets: [LeaseID]
    /// The whole desktop now (it follows the window system's layout).
    public var desktop: Region
    /// Sessions on seats of their own (DESIGN §5a), in session order.
    public var seats: [SeatStatus] = []
}

/// A session's own seat in `status`.
public struct SeatStatus: Hashable, Sendable {
    public var session: SessionID
    public var name: String
    /// A gesture of it runs now, and how many wait behind it.
    public var busy: Bool
    public var queueLength: Int
    /// The human touched its lease: paused until then (`[human] pause = "touched"`).
    public var pausedUntil: Instant?
}

/// Collects everything in order, for tests and tools.
public struct CollectingOutput: EngineOutput, Sendable {
    public enum Record: Hashable, Sendable {
        case emit(DeviceRef, Frame)
        case reply(Requester, RequestID, Reply)
        case notify(SessionID, LeaseEvent)
        case audit(AuditEvent)
        case device(DeviceAction)
        case capture(CaptureOrder)
        case focusSeat(SessionID, SeatFocusTarget)
    }

    /// What `focusSeat` answers; a test sets a target the window system would not take.
    public var refusedSeatFocus: Set<SeatFocusTarget> = []

    public var records: [Record] = []

    public init() {}

    public mutating func emit(_ frame: Frame, to device: DeviceRef) { records.append(.emit(device, frame)) }
    public mutating func reply(_ reply: Reply, to requester: Requester, for request: RequestID) {
        records.append(.reply(requester, request, reply))
    }
    public mutating func notify(_ event: LeaseEvent, to session: SessionID) { records.append(.notify(session, event)) }
    public mutating func audit(_ event: AuditEvent) { records.append(.audit(event)) }
    public mutating func device(_ action: DeviceAction) { records.append(.device(action)) }
    public mutating func capture(_ order: CaptureOrder) { records.append(.capture(order)) }
    public mutating func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome {
        records.append(.focusSeat(s, target))
        return refusedSeatFocus.contains(target) ? .refused("the window is unmapped or gone; wait for it to be shown") : .taken
    }

    public var captures: [CaptureOrder] {
        records.compactMap { if case .capture(let o) = $0 { return o } else { return nil } }
    }

    /// The frames emitted, in order, with their device.
    public var frames: [(DeviceRef, Frame)] {
        records.compactMap { if case .emit(let d, let f) = $0 { return (d, f) } else { return nil } }
    }

    public var audits: [AuditEvent] {
        records.compactMap { if case .audit(let a) = $0 { return a } else { return nil } }
    }

    /// The reply to `request` from `requester`, if any yet.
    public func reply(to requester: Requester, for request: RequestID) -> Reply? {
        for r in records {
            if case .reply(let who, let id, let reply) = r, who == requester, id == request { return reply }
        }
        return nil
    }

    public func events(for session: SessionID) -> [LeaseEvent] {
        records.compactMap { if case .notify(let s, let e) = $0, s == session { return e } else { return nil } }
    }
}
