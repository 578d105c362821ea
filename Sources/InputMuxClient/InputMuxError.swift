/// Why a request to inputmuxd failed: the daemon's stable reason `code` and its sentence,
/// or a transport failure described the same way. `message` is written for people and
/// models: what happened and what to do next.
public struct InputMuxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// True for failures of the connection itself rather than refusals by the daemon.
    public var isTransport: Bool {
        [.daemonNotRunning, .permissionDenied, .connectionLost, .protocolViolation].contains(code)
    }

    /// A reason code. The daemon's codes are listed in docs/PROTOCOL.md; the client adds
    /// its own for failures the daemon cannot report (it is not running, the socket is
    /// not accessible, the connection dropped, the input was bad before sending).
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        // Protocol-level codes.
        public static let malformed: Code = "malformed"
        public static let tooLarge: Code = "too_large"
        public static let unknownVersion: Code = "unknown_version"
        public static let outOfOrder: Code = "out_of_order"
        public static let unknownType: Code = "unknown_type"
        public static let tooManyInFlight: Code = "too_many_in_flight"
        public static let notAllowed: Code = "not_allowed"

        // Leases and the gate.
        public static let conflict: Code = "conflict"
        public static let queueTimeout: Code = "queue_timeout"
        public static let approvalDenied: Code = "approval_denied"
        public static let unknownLease: Code = "unknown_lease"
        public static let unknownSession: Code = "unknown_session"
        public static let selfCancel: Code = "self_cancel"
        public static let notSupervisor: Code = "not_supervisor"
        public static let invalidRegion: Code = "invalid_region"
        public static let tooManyLeases: Code = "too_many_leases"
        public static let noLease: Code = "no_lease"
        public static let leaseNotActive: Code = "lease_not_active"
        public static let outsideRegion: Code = "outside_region"
        public static let noKeyboardLease: Code = "no_keyboard_lease"
        public static let focusUnproven: Code = "focus_unproven"
        public static let pausedHuman: Code = "paused_human"
        public static let frozen: Code = "frozen"
        public static let rateLimited: Code = "rate_limited"
        public static let badGesture: Code = "bad_gesture"
        public static let unmappableText: Code = "unmappable_text"
        /// A key or chord that acts on the whole machine (Alt+SysRq, Ctrl+Alt+Delete, Ctrl+Alt+F2, power).
        public static let machineKey: Code = "machine_key"

        // Lease endings.
        public static let released: Code = "released"
        public static let disconnected: Code = "disconnected"
        public static let ttlExpired: Code = "ttl_expired"
        public static let maxHold: Code = "max_hold"
        public static let revoked: Code = "revoked"
        public static let reassigned: Code = "reassigned"
        public static let panic: Code = "panic"
        public static let abortedByHuman: Code = "aborted_by_human"
        public static let shutdown: Code = "shutdown"

        // Client-side codes.
        /// No daemon listens on the socket.
        public static let daemonNotRunning: Code = "daemon_not_running"
        /// The socket exists but this user may not open it.
        public static let permissionDenied: Code = "permission_denied"
        /// The connection closed while a request was waiting, or before it was sent.
        public static let connectionLost: Code = "connection_lost"
        /// The lease ended with the connection it was granted on (daemon restart, crash);
        /// it never carries over to a new connection.
        public static let leaseLost: Code = "lease_lost"
        /// The daemon sent something this client cannot read.
        public static let protocolViolation: Code = "protocol_violation"
        /// Bad input caught before sending (an unknown key name, a bad coordinate).
        public static let badInput: Code = "bad_input"
        /// A wait this client was asked to bound ran out.
        public static let timeout: Code = "timeout"
    }
}

/// Why a lease changed state: the daemon's reason code and sentence.
public struct Reason: Sendable, Hashable, CustomStringConvertible {
    public var code: InputMuxError.Code
    public var message: String

    public init(code: InputMuxError.Code, message: String) {
        self.code = code
        self.message = message
    }

    init(_ json: JSON, fallback: InputMuxError.Code) {
        code = json["code"].string.map(InputMuxError.Code.init(rawValue:)) ?? fallback
        message = json["message"].string ?? ""
    }

    public var description: String { message.isEmpty ? code.rawValue : "\(code.rawValue): \(message)" }
    public var error: InputMuxError { InputMuxError(code, message) }
}
