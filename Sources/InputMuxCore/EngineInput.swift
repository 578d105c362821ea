/// Everything that happens to the engine. The daemon turns socket messages, evdev reads
/// and timer expiries into these; tests write them on a timeline.
public enum EngineInput: Sendable {
    /// A session connected (identity from SO_PEERCRED, policy from configuration).
    case connect(AgentIdentity, SessionPolicy)
    /// The session's connection closed (clean or crash): its leases end, its devices go.
    case disconnect(SessionID)
    /// A request on the agent socket.
    case agent(SessionID, RequestID, AgentRequest)
    /// A command on the control socket (`muxctl`), from control connection `OperatorID`.
    case `operator`(OperatorID, RequestID, ControlCommand)
    /// The human's input: a frame read from grabbed physical device `device`.
    case physical(device: UInt32, Frame)
    /// A window's geometry changed (X11 adapter); `nil` when the window is gone.
    case windowGeometry(WindowID, Region?)
    /// The window system's focused window and its geometry (X11 adapter); `nil` when no
    /// window has focus. Keys are allowed while it lies inside the keyboard lease's region.
    case focusedWindow(WindowID?, Region?)
    /// Another XTest client injected input (the X11 adapter's raw-event watch): audited,
    /// and it pauses agents like the human's input when `pauseOnForeignInput` is set.
    case foreignInput(ForeignInput)
    /// The desktop's layout changed (the X11 adapter's RandR watch): the new bounding box.
    /// Leases lying wholly outside it end (`desktop_changed`), and every session's devices
    /// are replaced by ones sized to it (`DeviceAction.replace`).
    case desktop(Region)
    /// A capture the engine ordered (`EngineOutput.capture`) was made (`facts`) or failed.
    /// The engine checks the lease still shows that rectangle, audits, and replies.
    case captured(CaptureOrder, Result<CaptureFacts, Rejection>)
    /// The window system gave the session a seat of its own, or left it on the shared
    /// seat (DESIGN §5a); the daemon says so before the hello reply.
    case seat(SessionID, SeatAssignment)
    /// The window system moved the focus of the session's own seat away from its lease
    /// while its keys ran (the window was unmapped or closed, or an application moved
    /// it): the running key gesture stops.
    case seatFocusLost(SessionID)
    /// Where the human's pointer is (the window system's core pointer), reported after
    /// the human's clicks and scrolls: what `[human] pause = "touched"` checks them against.
    case humanPointer(Point)
    /// `nextDeadline` has come.
    case tick
    /// The daemon is stopping: neutralize everything, end every lease.
    case shutdown
}

/// Input injected into the display by a client other than InputMux.
public struct ForeignInput: Hashable, Sendable {
    /// What it was, for the audit message (e.g. "button press of button 1 from Virtual core XTEST pointer").
    public var description: String
    /// Where the pointer was.
    public var position: Point?
    /// What it touches (`[human] pause = "touched"`).
    public var touch: HumanTouch

    public init(description: String, position: Point?, touch: HumanTouch) {
        self.description = description; self.position = position; self.touch = touch
    }
}

/// What one input of the human's reaches, for `[human] pause = "touched"`.
public enum HumanTouch: Hashable, Sendable {
    /// Motion alone: it moves the human's own cursor and touches no lease.
    case nothing
    /// A key: whatever the human's focus is on.
    case focus
    /// A click, scroll or drag: whatever lies under the human's pointer.
    case pointer
}

/// A control-socket connection, so replies find their `muxctl`.
public struct OperatorID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public var description: String { "operator#\(rawValue)" }
}

public enum AgentRequest: Sendable {
    case acquire(LeaseRequest)
    /// Release a lease (held, queued or pending).
    case release(LeaseID)
    /// Renew the TTL of every lease this session holds.
    case heartbeat
    case gesture(Gesture)
    /// See what a lease shows (DESIGN §5b); needs `Rights.capture`.
    case capture(CaptureRequest)
    /// Never takes, extends or disturbs anything.
    case status
    /// Orchestrator verbs on *other* sessions' leases; needs `Rights.supervise`.
    case supervise(ControlCommand)
}

/// Operator verbs (`muxctl`), also used by orchestrators through `AgentRequest.supervise`
/// (which may only `status`, `pause`, `resume`, `revoke` and `reassign`).
public enum ControlCommand: Hashable, Sendable {
    case status
    case revoke(LeaseID)
    case pause(LeaseID)
    case resume(LeaseID)
    /// End the lease and give the same resources to another session at once.
    case reassign(LeaseID, to: SessionID)
    case approve(LeaseID)
    /// Approve capturing what the lease shows where a sensitive region asks for it
    /// (and the lease itself, when it waits for approval).
    case approveCapture(LeaseID)
    case deny(LeaseID)
    /// See what a lease shows (an operator only; audited).
    case capture(LeaseID, CaptureRequest)
    /// `muxctl resume` after the panic chord.
    case resumeAfterPanic

    public var verb: String {
        switch self {
        case .status: "status"
        case .revoke: "revoke"
        case .pause: "pause"
        case .resume: "resume"
        case .reassign: "reassign"
        case .approve: "approve"
        case .approveCapture: "approve_capture"
        case .capture: "capture"
        case .deny: "deny"
        case .resumeAfterPanic: "resume_after_panic"
        }
    }

    public var lease: LeaseID? {
        switch self {
        case .revoke(let l), .pause(let l), .resume(let l), .reassign(let l, _), .approve(let l), .deny(let l),
             .approveCapture(let l), .capture(let l, _): l
        case .status, .resumeAfterPanic: nil
        }
    }
}
