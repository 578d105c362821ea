import InputMuxWire

/// What was decided, as the audit log and replies name it.
public enum AuditDecision: String, Hashable, Sendable, CaseIterable {
    // Gate decisions on gestures and frames
    case allowed, rejected, aborted
    // Lease lifecycle
    case requested, pendingApproval = "pending_approval", approved, queued, granted, denied
    case released, expired, revoked, reassigned
    // Session state
    case connected, disconnected, paused, resumed, frozen, panic
    // Something seen, not decided: input another XTest client injected
    case observed
    // The audit log itself: a new file was started (and old ones possibly deleted), or
    // the writer had to drop records (the record says how many)
    case rotated, dropped
}

/// One decision of the engine, before the daemon stamps it into the hash-chained log
/// (DESIGN §6: time, session identity, lease, gesture kind and coordinates, decision,
/// reason; typed text redacted).
public struct AuditEvent: Hashable, Sendable {
    /// The engine's monotonic time of the decision.
    public var time: Instant
    /// The session concerned; nil for the operator, the human or the daemon itself.
    public var identity: AgentIdentity?
    public var lease: LeaseID?
    /// The gesture kind (`Gesture.kind`) or the lease verb (`acquire`, `release`, ...).
    public var action: String
    /// The positions the action touches.
    public var points: [Point]
    public var decision: AuditDecision
    public var reason: ReasonCode?
    /// The sentence sent to the agent or operator.
    public var message: String
    /// Typed text, redacted (see `TextRedactor`).
    public var text: RedactedText?
    /// For a folded refusal: how many more identical refusals (same session, action and
    /// reason) this record stands for; nil for a record that stands for itself.
    public var repeated: Int?
    /// For a capture: what was shown and the image's hash (DESIGN §5b).
    public var capture: CaptureFacts?

    public init(
        time: Instant, identity: AgentIdentity? = nil, lease: LeaseID? = nil, action: String,
        points: [Point] = [], decision: AuditDecision, reason: ReasonCode? = nil, message: String = "",
        text: RedactedText? = nil, repeated: Int? = nil
    ) {
        self.time = time
        self.identity = identity
        self.lease = lease
        self.action = action
        self.points = points
        self.decision = decision
        self.reason = reason
        self.message = message
        self.text = text
        self.repeated = repeated
    }
}
