import InputMuxWire

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

    /// A reason code: the protocol's one list, `InputMuxWire.ReasonCode` (docs/PROTOCOL.md).
    /// Besides the daemon's codes it holds the client's own for failures the daemon cannot
    /// report (`daemon_not_running`, `permission_denied`, `connection_lost`, `lease_lost`,
    /// `protocol_violation`, `bad_input`, `timeout`). Naming the type as `ReasonCode`
    /// takes `import InputMuxWire`; `InputMuxError.Code` and `.conflict` need no import.
    public typealias Code = ReasonCode

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
