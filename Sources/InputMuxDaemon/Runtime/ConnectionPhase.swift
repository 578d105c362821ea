import InputMuxWire
import InputMuxCore

/// Where a connection is in its life, from accept to its hello and on to its session or
/// operator role, and what it holds on the way. Every change of phase is one of the
/// mutating methods below; a change the current phase does not allow leaves it as it is.
///
///     awaitingHello ──admitOperator──▶ operator
///           │
///       admitAgent ──▶ awaitingDevices ──helloAnswered──▶ session ◀──devicesReplaced──┐
///                             │                              └──replacingDevices──▶ replacingDevices
///                         helloFailed ──▶ awaitingHello (the connection is closing)
///
/// Closing is not a phase: a connection whose peer shut its side down still has the lines
/// it sent before answered, in whatever phase they find it (`Connection.closing`).
enum ConnectionPhase: Hashable {
    /// Accepted; nothing but `hello` (or `bye`) is accepted yet.
    case awaitingHello
    /// An admitted agent whose session exists while its devices are being made: the
    /// hello reply waits for them. Requests it sent meanwhile, and events for it, are held
    /// in order and follow the reply.
    case awaitingDevices(AgentIdentity, hello: RequestID, heldLines: [[UInt8]], heldEvents: [JSONValue])
    /// An agent's session, its hello answered.
    case session(AgentIdentity)
    /// The desktop changed and the session's devices are being replaced: its requests are
    /// held until the `desktop` event names the new ones.
    case replacingDevices(AgentIdentity, heldLines: [[UInt8]])
    /// An operator on the control socket; `monitoring` once it asked for audit events.
    case `operator`(OperatorID, monitoring: Bool)

    // MARK: - What the phase says

    /// The agent's session, from admission on.
    var session: SessionID? { identity?.session }

    var identity: AgentIdentity? {
        switch self {
        case .awaitingDevices(let i, _, _, _), .session(let i), .replacingDevices(let i, _): i
        case .awaitingHello, .operator: nil
        }
    }

    var operatorID: OperatorID? {
        if case .operator(let o, _) = self { return o }
        return nil
    }

    /// The hello was answered: requests are served.
    var helloDone: Bool {
        switch self {
        case .session, .replacingDevices, .operator: true
        case .awaitingHello, .awaitingDevices: false
        }
    }

    /// The hello waiting for the session's devices.
    var pendingHello: RequestID? {
        if case .awaitingDevices(_, let id, _, _) = self { return id }
        return nil
    }

    var isMonitoring: Bool {
        if case .operator(_, true) = self { return true }
        return false
    }

    // MARK: - Transitions

    /// awaitingHello → operator.
    mutating func admitOperator(_ o: OperatorID) {
        guard case .awaitingHello = self else { return }
        self = .operator(o, monitoring: false)
    }

    /// awaitingHello → awaitingDevices: the agent is admitted and its session made; `hello`
    /// is answered once its devices are (`helloAnswered`).
    mutating func admitAgent(_ identity: AgentIdentity, hello: RequestID) {
        guard case .awaitingHello = self else { return }
        self = .awaitingDevices(identity, hello: hello, heldLines: [], heldEvents: [])
    }

    /// awaitingDevices → session. Returns what was held, for the caller to send (the
    /// events) and then serve (the lines), in order.
    mutating func helloAnswered() -> (events: [JSONValue], lines: [[UInt8]]) {
        guard case .awaitingDevices(let identity, _, let lines, let events) = self else { return ([], []) }
        self = .session(identity)
        return (events, lines)
    }

    /// awaitingDevices → awaitingHello: the session's devices could not be made, its hello
    /// was refused and what it held is dropped.
    mutating func helloFailed() {
        guard case .awaitingDevices = self else { return }
        self = .awaitingHello
    }

    /// session → replacingDevices. A session still waiting for its first devices gets the
    /// new desktop in its hello reply, so that phase stays as it is.
    mutating func replacingDevices() {
        guard case .session(let identity) = self else { return }
        self = .replacingDevices(identity, heldLines: [])
    }

    /// replacingDevices → session. Returns the held lines, for the caller to serve in order.
    mutating func devicesReplaced() -> [[UInt8]] {
        guard case .replacingDevices(let identity, let lines) = self else { return [] }
        self = .session(identity)
        return lines
    }

    /// operator → operator, monitoring.
    mutating func startMonitoring() {
        guard case .operator(let o, _) = self else { return }
        self = .operator(o, monitoring: true)
    }

    // MARK: - Holding

    enum Hold: Hashable {
        /// The phase serves requests: handle the line now.
        case serve
        /// Held, to be served when the phase changes.
        case held
        /// Held lines already number `maximum`: the line is refused.
        case full
    }

    /// Holds `line` while the session waits for its hello reply or its new devices.
    mutating func hold(_ line: ArraySlice<UInt8>, maximum: Int) -> Hold {
        switch self {
        case .awaitingDevices(let identity, let hello, var lines, let events):
            guard lines.count < maximum else { return .full }
            self = .awaitingHello   // lets `lines` be appended to in place
            lines.append(Array(line))
            self = .awaitingDevices(identity, hello: hello, heldLines: lines, heldEvents: events)
            return .held
        case .replacingDevices(let identity, var lines):
            guard lines.count < maximum else { return .full }
            self = .awaitingHello
            lines.append(Array(line))
            self = .replacingDevices(identity, heldLines: lines)
            return .held
        case .awaitingHello, .session, .operator:
            return .serve
        }
    }

    /// Holds `event` while the session waits for its hello reply: nothing reaches a client
    /// before it. Returns the event when it may go now.
    mutating func hold(event: JSONValue) -> JSONValue? {
        guard case .awaitingDevices(let identity, let hello, let lines, var events) = self else { return event }
        self = .awaitingHello
        events.append(event)
        self = .awaitingDevices(identity, hello: hello, heldLines: lines, heldEvents: events)
        return nil
    }
}
