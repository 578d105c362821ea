import Glibc
import InputMuxSystem

/// Connecting to inputmuxd's agent or control socket, with errors that say what to do.
/// The socket itself is InputMuxSystem's `UnixSocket`.
enum DaemonSocket {
    /// Which socket this is, for error sentences that say what to do.
    enum Role: Sendable {
        case agent, control
    }

    /// Connects to `path`.
    static func connect(to path: String, role: Role) throws(InputMuxError) -> UnixSocket {
        do { return try UnixSocket.connect(to: path) } catch {
            switch error {
            case .pathTooLong: throw InputMuxError(.badInput, error.description)
            case .failed(_, _, let e): throw connectError(e.rawValue, path: path, role: role)
            }
        }
    }

    static func connectError(_ e: Int32, path: String, role: Role) -> InputMuxError {
        switch e {
        case ENOENT, ECONNREFUSED, ENOTDIR:
            return InputMuxError(.daemonNotRunning,
                "cannot reach inputmuxd at \(path) (\(errorText(e))): is inputmuxd running? check `systemctl status inputmuxd` and `journalctl -u inputmuxd`")
        case EACCES, EPERM:
            let what = role == .agent
                ? "join the group `inputmux` (`sudo usermod -aG inputmux $USER`, then log in again)"
                : "run as root, or join the admin group `inputmux-admin` if the configuration names one"
            return InputMuxError(.permissionDenied, "permission denied on \(path): \(what)")
        default:
            return InputMuxError(.connectionLost, "cannot connect to \(path): \(errorText(e))")
        }
    }
}

func errorText(_ e: Int32) -> String { String(cString: strerror(e)) }
