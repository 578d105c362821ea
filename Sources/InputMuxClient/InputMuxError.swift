import InputMuxWire

/// Why a request to inputmuxd failed: the daemon's stable reason `code` and its sentence,
/// or a transport failure described the same way. `message` is written for people and
/// models: what happened and what to do next.
///
/// It is the protocol's one error type, `InputMuxWire.WireError` (`code`, `message`): the
/// daemon's refusals arrive as they were sent. Its `code` is a `ReasonCode`
/// (`InputMuxError.Code`), the protocol's one list of codes (docs/PROTOCOL.md); besides
/// the daemon's codes it holds the client's own for failures the daemon cannot report
/// (`daemon_not_running`, `permission_denied`, `connection_lost`, `lease_lost`,
/// `protocol_violation`, `bad_input`, `timeout`). Naming `ReasonCode` or `WireError`
/// takes `import InputMuxWire`; `InputMuxError`, `InputMuxError.Code` and `.conflict`
/// need no second import.
public typealias InputMuxError = WireError

extension WireError {
    /// A reason code (`ReasonCode`).
    public typealias Code = ReasonCode

    /// True for failures of the connection itself rather than refusals by the daemon.
    public var isTransport: Bool {
        [.daemonNotRunning, .permissionDenied, .connectionLost, .protocolViolation].contains(code)
    }

    /// A reply's `error` object (`{"code":…,"message":…}`). A code this client does not
    /// know (a newer daemon) is a `protocol_violation` whose message keeps the daemon's code
    /// and sentence.
    init(wire error: JSON) {
        let message = error["message"].string ?? "inputmuxd refused the request without a reason"
        let raw = error["code"].string ?? ""
        if let code = Code(rawValue: raw) {
            self.init(code, message)
        } else {
            self.init(.protocolViolation, "inputmuxd answered with reason code \"\(raw)\", which this client does not know "
                + "(\(message)); update the client library to inputmuxd's version")
        }
    }

    /// A document the daemon sent that this client cannot read.
    init(unreadable what: String, _ why: WireError) {
        self.init(.protocolViolation, "inputmuxd sent a \(what) this client cannot read (\(why.message)); "
            + "check that inputmuxd and the client speak the same protocol version")
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

    /// An event's `reason` object; `fallback` when it has none.
    init(_ json: JSON, fallback: InputMuxError.Code) {
        if json.isNull {
            self.init(code: fallback, message: "")
        } else {
            let e = InputMuxError(wire: json)
            self.init(code: e.code, message: e.message)
        }
    }

    public var description: String { message.isEmpty ? code.rawValue : "\(code.rawValue): \(message)" }
    public var error: InputMuxError { InputMuxError(code, message) }
}
