/// Why the engine refused something: a stable machine-readable code (wire protocol,
/// audit) plus a sentence that says what happened and what to do next.
public struct Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ReasonCode
    public var message: String

    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Stable reason codes. Never renumber or rename: clients and audit tooling match on them.
public enum ReasonCode: String, Hashable, Sendable, CaseIterable, Codable {
    // Leases
    case conflict              // requested resources overlap another holder's lease
    case queueTimeout = "queue_timeout"
    case approvalDenied = "approval_denied"
    case notAllowed = "not_allowed"          // policy forbids this region/right/name
    case unknownLease = "unknown_lease"
    case unknownSession = "unknown_session"
    case selfCancel = "self_cancel"          // an orchestrator targeting its own lease
    case notSupervisor = "not_supervisor"
    case invalidRegion = "invalid_region"
    case tooManyLeases = "too_many_leases"   // the session already has max_leases_per_session live leases
    // Gate, in the order of DESIGN §3
    case noLease = "no_lease"
    case leaseNotActive = "lease_not_active" // paused, queued or pending approval
    case outsideRegion = "outside_region"
    case noKeyboardLease = "no_keyboard_lease"
    case focusUnproven = "focus_unproven"
    case focusElsewhere = "focus_elsewhere"   // the window system's focused window is not the lease's
    case pausedHuman = "paused_human"
    case frozen                               // panic: frozen until an operator resumes
    case rateLimited = "rate_limited"
    case tooLarge = "too_large"
    case badGesture = "bad_gesture"          // malformed: count out of range, empty path, ...
    case unmappableText = "unmappable_text"  // the keymap cannot produce a character
    case machineKey = "machine_key"          // a key or chord that acts on the whole machine (MachineKeys)
    // Lease endings and interruptions
    case released
    case disconnected
    case ttlExpired = "ttl_expired"
    case maxHold = "max_hold"
    case revoked
    case reassigned
    case panic
    case abortedByHuman = "aborted_by_human"
    case shutdown
    case windowClosed = "window_closed"  // a window lease's window went away
    case noSuchWindow = "no_such_window" // a window lease names no (single) window, or X11 is off
    case desktopChanged = "desktop_changed" // the desktop's layout changed: the lease's region lies outside it
    // Observations
    case foreignInput = "foreign_input"  // another XTest client injected input (X11 adapter)
}
