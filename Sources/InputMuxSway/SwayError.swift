import InputMuxSystem
import SystemPackage

/// What went wrong talking to sway, or finding what was asked of it. Each case says what
/// to do next.
public enum SwayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing exists at the socket path.
    case socketMissing(String)
    /// The socket exists but nothing answers: sway ended and left it behind.
    case socketStale(String)
    /// The socket is not ours to open (sway makes it for its own user).
    case permissionDenied(String)
    /// Discovery found no live sway: the places it looked.
    case noSessionFound(searched: [String])
    /// Discovery found live sways of more than one user: their sockets.
    case severalSessions([String])
    /// Another socket failure.
    case socket(SocketError)
    /// No reply (or event) came in time.
    case timedOut(what: String, after: Duration, socket: String)
    /// sway closed the connection.
    case closed(String)
    /// An earlier request on this connection timed out, so replies may no longer match
    /// requests.
    case outOfStep(String)
    /// A reply that is not what `sway-ipc(7)` describes.
    case malformedReply(what: String, detail: String)
    /// sway refused a command; its own sentence.
    case commandFailed(command: String, error: String)
    /// sway refused a subscription.
    case subscriptionRefused([String])
    /// A name that cannot go into a command (quotes, line ends, command separators).
    case unsafeArgument(String)
    /// No view has this con_id.
    case noSuchWindow(Int64)
    /// No view matches.
    case noMatchingWindow(String)
    /// Several views match: their con_ids.
    case ambiguousMatch(String, [Int64])

    /// The error for a socket failure at `path`.
    public init(connecting path: String, _ error: SocketError) {
        switch error.errno {
        case .noSuchFileOrDirectory?, .notDirectory?: self = .socketMissing(path)
        case .permissionDenied?, .notPermitted?: self = .permissionDenied(path)
        case .connectionRefused?: self = .socketStale(path)
        default: self = .socket(error)
        }
    }

    public var description: String {
        switch self {
        case .socketMissing(let p):
            return "no sway IPC socket at \(p): is sway running? check that SWAYSOCK (or [wayland] socket) names the socket "
                + "of the running sway (`ls /run/user/$(id -u USER)/sway-ipc.*`)"
        case .socketStale(let p):
            return "nothing answers at the sway IPC socket \(p): the sway that made it has ended; start sway, or point "
                + "SWAYSOCK (or [wayland] socket) at the socket of the running one"
        case .permissionDenied(let p):
            return "permission denied opening the sway IPC socket \(p): sway makes it for its own user; connect as that user or as root"
        case .noSessionFound(let searched):
            return "no running sway found (looked for sway-ipc.UID.PID.sock with a live sway pid in \(searched.joined(separator: ", "))): "
                + "start sway in the user's session, or set [wayland] socket (or SWAYSOCK) to its socket"
        case .severalSessions(let sockets):
            return "\(sockets.count) running sway sessions found (\(sockets.joined(separator: ", "))); set [wayland] socket "
                + "(or SWAYSOCK) to the one to use"
        case .socket(let e):
            return "\(e); check that sway is running and that SWAYSOCK names its socket"
        case .timedOut(let what, let after, let s):
            return "sway did not answer \(what) on \(s) within \(after); is it stuck? `swaymsg -s \(s) -t get_version` must answer"
        case .closed(let s):
            return "sway closed the IPC connection on \(s): it has probably exited; start it again and reconnect"
        case .outOfStep(let s):
            return "an earlier request on the sway IPC connection to \(s) timed out and its reply may still come; open a new connection"
        case .malformedReply(let what, let detail):
            return "sway's reply to \(what) is not what sway-ipc(7) describes (\(detail)); is the socket really sway's? "
                + "`swaymsg -t get_version` shows what answers there"
        case .commandFailed(let c, let e):
            return "sway refused the command `\(c)`: \(e)"
        case .subscriptionRefused(let names):
            return "sway refused to subscribe to \(names.joined(separator: ", ")) events; sway 1.7 has no output event: "
                + "subscribe without it and read GET_OUTPUTS again on workspace events"
        case .unsafeArgument(let a):
            return "\"\(a)\" cannot go into a sway command (a quote, a line end, a ';' or a ',' in a name, or a button outside 1 to 9); use a plain name"
        case .noSuchWindow(let c):
            return "no sway window with con_id \(c) exists; list windows with `swaymsg -t get_tree`"
        case .noMatchingWindow(let m):
            return "no sway window matches \(m); check the app_id, title and pid with `swaymsg -t get_tree`"
        case .ambiguousMatch(let m, let ids):
            let list = ids.prefix(8).map { "con_id \($0)" }.joined(separator: ", ")
            return "\(ids.count) sway windows match \(m) (\(list)); name one by its con_id, or make the match narrower"
        }
    }
}
