/// Every reason code of the protocol (docs/PROTOCOL.md), in one list: the daemon's
/// protocol errors, the engine's decisions (refusals, lease endings, observations) and
/// the codes the client library adds for failures the daemon cannot report. The core,
/// the daemon, the client library and muxctl's exit statuses all read this enum, so a
/// new code is added here and each `switch` over it then asks where it belongs.
///
/// Stable: never rename a case's raw value; clients and audit tooling match on them.
public enum ReasonCode: String, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    // The protocol layer (framing, hello, in-flight bound, admission).
    /// Not one JSON object on one line, or a field of the wrong type.
    case malformed
    /// The hello named a protocol version this daemon does not speak.
    case unknownVersion = "unknown_version"
    /// A request before hello, or a second hello.
    case outOfOrder = "out_of_order"
    /// A `type` this socket does not know (or an agent verb on the control socket).
    case unknownType = "unknown_type"
    /// More unanswered requests than `max_in_flight`.
    case tooManyInFlight = "too_many_in_flight"

    // Leases.
    /// The requested resources overlap another holder's lease.
    case conflict
    case queueTimeout = "queue_timeout"
    case approvalDenied = "approval_denied"
    /// Policy forbids this peer, name, region or right.
    case notAllowed = "not_allowed"
    case unknownLease = "unknown_lease"
    case unknownSession = "unknown_session"
    /// An orchestrator targeting its own lease.
    case selfCancel = "self_cancel"
    case notSupervisor = "not_supervisor"
    case invalidRegion = "invalid_region"
    /// The session already has `max_leases_per_session` live leases.
    case tooManyLeases = "too_many_leases"

    // The gate, in the order of DESIGN §3.
    case noLease = "no_lease"
    /// Paused, queued or pending approval.
    case leaseNotActive = "lease_not_active"
    case outsideRegion = "outside_region"
    case noKeyboardLease = "no_keyboard_lease"
    case focusUnproven = "focus_unproven"
    /// The window system's focused window is not the lease's.
    case focusElsewhere = "focus_elsewhere"
    case pausedHuman = "paused_human"
    /// Panic: frozen until an operator resumes.
    case frozen
    case rateLimited = "rate_limited"
    /// A line longer than the hello's limit, or a gesture or text too long.
    case tooLarge = "too_large"
    /// Malformed gesture: count out of range, empty path, no position yet…
    case badGesture = "bad_gesture"
    /// The keymap cannot produce a character.
    case unmappableText = "unmappable_text"
    /// A key or chord that acts on the whole machine (Alt+SysRq, Ctrl+Alt+Delete,
    /// Ctrl+Alt+F2, power).
    case machineKey = "machine_key"

    // Lease endings and interruptions.
    case released
    case disconnected
    case ttlExpired = "ttl_expired"
    case maxHold = "max_hold"
    case revoked
    case reassigned
    case panic
    case abortedByHuman = "aborted_by_human"
    case shutdown
    /// A window lease's window went away.
    case windowClosed = "window_closed"
    /// A window lease names no (single) window, or X11 is off.
    case noSuchWindow = "no_such_window"
    /// The desktop's layout changed: the lease's region lies outside it.
    case desktopChanged = "desktop_changed"

    // Sight (captures, DESIGN §5b).
    /// Policy does not give this session the `capture` right.
    case captureNotAllowed = "capture_not_allowed"
    /// The capture shows a sensitive region whose captures need an operator's approval
    /// (`muxctl approve LEASE --capture`).
    case captureNeedsApproval = "capture_needs_approval"
    /// The capture would show a sensitive region that is never captured.
    case captureDenied = "capture_denied"
    /// No capture source: the daemon runs without a display to read (`[x11]` off).
    case noCaptureSource = "no_capture_source"
    /// The source could not read the pixels (the window is unmapped, the server failed).
    case captureFailed = "capture_failed"

    // Observations.
    /// Another XTest client injected input (X11 adapter; audit only).
    case foreignInput = "foreign_input"

    // The client library's own, for what the daemon cannot report.
    /// No daemon listens on the socket.
    case daemonNotRunning = "daemon_not_running"
    /// The socket exists but this user may not open it.
    case permissionDenied = "permission_denied"
    /// The connection closed while a request was waiting, or before it was sent.
    case connectionLost = "connection_lost"
    /// The lease ended with the connection it was granted on (daemon restart, crash);
    /// it never carries over to a new connection.
    case leaseLost = "lease_lost"
    /// The daemon sent something this client cannot read.
    case protocolViolation = "protocol_violation"
    /// Bad input caught before sending (an unknown key name, a bad coordinate).
    case badInput = "bad_input"
    /// A wait the client was asked to bound ran out.
    case timeout

    public var description: String { rawValue }

    /// Who writes a code.
    public struct Writers: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The daemon's protocol layer, as a `WireError` reply.
        public static let protocolLayer = Writers(rawValue: 1)
        /// The engine, in a refusal, a lease's ending, an event's reason or the audit.
        public static let engine = Writers(rawValue: 2)
        /// Only the client library, for failures it finds itself.
        public static let client = Writers(rawValue: 4)
    }

    /// Who writes this code: the daemon's protocol layer, the engine, or only the client.
    public var writers: Writers {
        switch self {
        case .malformed, .unknownVersion, .outOfOrder, .unknownType, .tooManyInFlight: .protocolLayer
        case .tooLarge, .notAllowed: [.protocolLayer, .engine]
        case .conflict, .queueTimeout, .approvalDenied, .unknownLease, .unknownSession, .selfCancel, .notSupervisor,
             .invalidRegion, .tooManyLeases, .noLease, .leaseNotActive, .outsideRegion, .noKeyboardLease,
             .focusUnproven, .focusElsewhere, .pausedHuman, .frozen, .rateLimited, .badGesture, .unmappableText,
             .machineKey, .released, .disconnected, .ttlExpired, .maxHold, .revoked, .reassigned, .panic,
             .abortedByHuman, .shutdown, .windowClosed, .noSuchWindow, .desktopChanged, .foreignInput,
             .captureNotAllowed, .captureNeedsApproval, .captureDenied, .noCaptureSource, .captureFailed:
            .engine
        case .daemonNotRunning, .permissionDenied, .connectionLost, .leaseLost, .protocolViolation, .badInput, .timeout:
            .client
        }
    }

    /// Whether the daemon writes this code (a reply's `error`, an event's `reason`).
    public var isWrittenByDaemon: Bool { !writers.isDisjoint(with: [.protocolLayer, .engine]) }
}
