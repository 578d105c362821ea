/// The message types of the i3/sway IPC (`sway-ipc(7)`) this library sends. The reply
/// to a request carries the request's type.
public enum SwayMessageType: UInt32, Hashable, Sendable, CustomStringConvertible {
    case runCommand = 0
    case getWorkspaces = 1
    case subscribe = 2
    case getOutputs = 3
    case getTree = 4
    case getVersion = 7
    case getInputs = 100
    case getSeats = 101

    public var description: String {
        switch self {
        case .runCommand: "RUN_COMMAND"
        case .getWorkspaces: "GET_WORKSPACES"
        case .subscribe: "SUBSCRIBE"
        case .getOutputs: "GET_OUTPUTS"
        case .getTree: "GET_TREE"
        case .getVersion: "GET_VERSION"
        case .getInputs: "GET_INPUTS"
        case .getSeats: "GET_SEATS"
        }
    }
}
