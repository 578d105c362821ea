import InputMuxWire

/// The exit statuses of `muxctl`, one per outcome a script must tell apart. Stable:
/// scripts match on them (docs/MUXCTL.md lists them, `muxctl --help` too).
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// Anything not named below (a doctor check failed, an unexpected reply).
    case failure = 1
    /// Bad input: unknown verb, bad argument or option, a malformed gesture, a region
    /// or key the daemon cannot use, text the keymap cannot type.
    case badInput = 2
    /// The daemon refused: lease conflict in try mode, policy, outside the region, no
    /// keyboard lease, focus not proven, rate limit, approval denied.
    case denied = 3
    /// A `wait` acquire was still queued when its timeout ran out.
    case queueTimeout = 4
    /// Agents are paused: the human is typing (retry after the quiet period), the
    /// lease is paused by an operator, or the panic chord froze all agents.
    case paused = 5
    /// The lease ended under the command: revoked, reassigned, TTL expired, panic,
    /// aborted by the human, daemon shutdown.
    case revoked = 6
    /// The daemon cannot be reached: no socket, no permission, connection refused.
    case unavailable = 7
    /// `audit verify`: the audit log is not intact.
    case auditBroken = 8

    /// The status for a reason code (docs/PROTOCOL.md). Exhaustive: a new code in
    /// `ReasonCode` does not compile until it has its status here.
    public static func forReason(_ code: ReasonCode) -> ExitStatus {
        switch code {
        case .malformed, .tooLarge, .unknownVersion, .outOfOrder, .unknownType, .badGesture, .unmappableText,
             .invalidRegion, .unknownLease, .unknownSession, .badInput, .noSuchWindow:
            .badInput
        case .conflict, .approvalDenied, .notAllowed, .selfCancel, .notSupervisor, .noLease, .tooManyLeases,
             .outsideRegion, .noKeyboardLease, .focusUnproven, .focusElsewhere, .rateLimited, .tooManyInFlight, .machineKey,
             .captureNotAllowed, .captureNeedsApproval, .captureDenied:
            .denied
        case .queueTimeout, .timeout:
            .queueTimeout
        case .pausedHuman, .frozen, .leaseNotActive, .foreignInput:
            .paused
        case .revoked, .reassigned, .ttlExpired, .maxHold, .panic, .abortedByHuman, .shutdown, .disconnected,
             .released, .windowClosed, .desktopChanged, .leaseLost:
            .revoked
        // The client library's own codes: the daemon could not be reached or went away.
        case .daemonNotRunning, .permissionDenied, .connectionLost, .noCaptureSource, .captureFailed:
            .unavailable
        case .protocolViolation:
            .failure
        }
    }

    /// The status for a code as a line carries it: a reason code, or a status's own code
    /// (`code`, what the lease holder relays when the daemon gave none); `failure` for
    /// anything else.
    public static func forReason(_ code: String) -> ExitStatus {
        if let reason = ReasonCode(rawValue: code) { return forReason(reason) }
        return allCases.first { $0.code == code } ?? .failure
    }

    /// A reason code for this status, for replies that carry no daemon code (the lease
    /// holder's answers): `forReason(code)` gives this status back.
    public var code: String {
        switch self {
        case .success: "ok"
        case .failure: "failure"
        case .badInput: "bad_input"
        case .denied: "denied"
        case .queueTimeout: "queue_timeout"
        case .paused: "paused"
        case .revoked: "revoked"
        case .unavailable: "unavailable"
        case .auditBroken: "audit_broken"
        }
    }

    /// What the status means, for `--help` and the docs.
    public var meaning: String {
        switch self {
        case .success: "success"
        case .failure: "failure (a doctor check failed, an unexpected error)"
        case .badInput: "bad input (unknown verb, bad argument or gesture, unmappable text)"
        case .denied: "denied (conflict, policy, outside the region, focus unproven)"
        case .queueTimeout: "queue timeout (still queued when --timeout ran out)"
        case .paused: "paused (human input, paused by an operator, panic freeze)"
        case .revoked: "revoked (the lease ended: revoked, reassigned, TTL, panic)"
        case .unavailable: "unavailable (no daemon, socket missing, no permission)"
        case .auditBroken: "audit verify: the audit log is not intact"
        }
    }

    /// The table shown at the end of `muxctl --help`.
    public static var helpTable: String {
        "EXIT STATUS:\n" + allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    }
}

/// A failure `muxctl` reports as one sentence and an exit status, never a stack trace.
public struct CLIError: Error, CustomStringConvertible, Sendable, Equatable {
    public var status: ExitStatus
    public var message: String
    /// The daemon's reason code, when the daemon gave one.
    public var code: String?

    public init(_ status: ExitStatus, _ message: String, code: String? = nil) {
        self.status = status
        self.message = message
        self.code = code
    }

    /// A refusal from the daemon: its code picks the status, its sentence is the message.
    public static func daemon(code: String, message: String) -> CLIError {
        CLIError(.forReason(code), message, code: code)
    }

    public var description: String { message }

    /// The code to pass this failure on with (the lease holder's replies): the daemon's,
    /// when it still names this status, else the status's own.
    public var relayCode: String {
        if let code, ExitStatus.forReason(code) == status { return code }
        return status.code
    }
}
