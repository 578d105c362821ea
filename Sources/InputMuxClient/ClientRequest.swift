import InputMuxWire

/// Every request this library writes, built in one place from the protocol's tables
/// (`RequestType`, `GestureAction`): `AgentClient`, `OperatorClient` and `Lease` send
/// these, and the protocol contract test runs each through the daemon's decoder.
package enum ClientRequest: Sendable, Hashable {
    /// `name` on the agent socket; none on the control socket.
    case hello(name: String?)
    case bye
    case status
    case acquire(region: Region?, pointer: Bool, keyboard: Bool, window: Int?, mode: AcquireMode, ttl: Duration?)
    case release(lease: String)
    case heartbeat
    case gesture(Gesture)
    /// An orchestrator's verb on another session's lease (`to` for `reassign`).
    case supervise(RequestType, lease: String, to: Int?)
    case monitor
    /// `revoke`, `pause`, `resume`, `approve` or `deny` on the control socket.
    case leaseVerb(RequestType, lease: String)
    case reassign(lease: String, to: Int)
    case unfreeze
    /// What a lease shows (`lease` nil: the session's one active lease; an operator
    /// always names it).
    case capture(lease: String?, CaptureOptions)
    /// `approve` with `"capture":true`: the lease's captures of sensitive regions too.
    case approveCapture(lease: String)

    /// The protocol version this library speaks.
    package static let protocolVersion: Int64 = 1

    package var type: RequestType {
        switch self {
        case .hello: .hello
        case .bye: .bye
        case .status: .status
        case .acquire: .acquire
        case .release: .release
        case .heartbeat: .heartbeat
        case .gesture: .gesture
        case .supervise: .supervise
        case .monitor: .monitor
        case .leaseVerb(let verb, _): verb
        case .reassign: .reassign
        case .unfreeze: .unfreeze
        case .capture: .capture
        case .approveCapture: .approve
        }
    }

    /// The message without `id` (the connection adds it); key names normalized.
    package func json() throws(InputMuxError) -> JSON {
        var o: [String: JSON] = ["type": .string(type.rawValue)]
        switch self {
        case .hello(let name):
            o["protocol"] = .int(Self.protocolVersion)
            if let name { o["name"] = .string(name) }
        case .bye, .status, .heartbeat, .monitor, .unfreeze:
            break
        case .acquire(let region, let pointer, let keyboard, let window, let mode, let ttl):
            o["pointer"] = .bool(pointer)
            o["keyboard"] = .bool(keyboard)
            if let region { o["region"] = region.wire }
            if let window { o["window"] = .int(Int64(window)) }
            switch mode {
            case .try:
                o["mode"] = "try"
            case .wait(let timeout):
                o["mode"] = "wait"
                if let timeout { o["timeout_ms"] = .int(Int64(Lease.milliseconds(timeout))) }
            }
            if let ttl { o["ttl_ms"] = .int(Int64(Lease.milliseconds(ttl))) }
        case .release(let lease):
            o["lease"] = .string(lease)
        case .gesture(let g):
            return try g.request()
        case .supervise(let verb, let lease, let to):
            guard verb.isSupervisable else {
                throw InputMuxError(.badInput, "supervise: the command is status, pause, resume, revoke or reassign (got \(verb))")
            }
            o["command"] = .string(verb.rawValue)
            o["lease"] = .string(lease)
            if let to { o["to"] = .int(Int64(to)) }
        case .leaseVerb(let verb, let lease):
            guard [.revoke, .pause, .resume, .approve, .deny].contains(verb) else {
                throw InputMuxError(.badInput, "\(verb) is not a lease verb: revoke, pause, resume, approve or deny")
            }
            o["lease"] = .string(lease)
        case .reassign(let lease, let to):
            o["lease"] = .string(lease)
            o["to"] = .int(Int64(to))
        case .capture(let lease, let options):
            o.merge(try options.validated().wireFields) { _, new in new }
            if let lease { o["lease"] = .string(lease) }
        case .approveCapture(let lease):
            o["lease"] = .string(lease)
            o["capture"] = true
        }
        return .object(o)
    }
}
