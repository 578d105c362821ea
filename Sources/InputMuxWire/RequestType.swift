/// The `type` of a client message (docs/PROTOCOL.md): the one table of requests, with the
/// socket each belongs to. The daemon decodes by it, the client library writes by it.
public enum RequestType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    // Either socket.
    case hello
    case bye
    case status
    // The agent socket.
    case acquire
    case release
    case heartbeat
    case gesture
    /// See what a lease shows (DESIGN §5b): agents their own; operators any, by `lease`.
    case capture
    /// An orchestrator's lease verb, named in `command`.
    case supervise
    // The control socket.
    case monitor
    case revoke
    case pause
    case resume
    case reassign
    case approve
    case deny
    case unfreeze

    public var description: String { rawValue }

    /// Which socket takes a request.
    public enum Socket: Hashable, Sendable, CaseIterable {
        case agent, control
    }

    /// The sockets that take this request.
    public var sockets: Set<Socket> {
        switch self {
        case .hello, .bye, .status, .capture: [.agent, .control]
        case .acquire, .release, .heartbeat, .gesture, .supervise: [.agent]
        case .monitor, .revoke, .pause, .resume, .reassign, .approve, .deny, .unfreeze: [.control]
        }
    }

    /// The control verbs an orchestrator may send as `supervise`'s `command`.
    public var isSupervisable: Bool {
        switch self {
        case .status, .pause, .resume, .revoke, .reassign: true
        default: false
        }
    }

    /// `hello, acquire, …`: the requests `socket` takes, for error messages.
    public static func list(for socket: Socket) -> String {
        allCases.filter { $0.sockets.contains(socket) }.map(\.rawValue).joined(separator: ", ")
    }
}
