import Glibc

/// Why the daemon cannot start or goes on degraded, worded so the operator knows what
/// to do next.
public enum DaemonError: Error, CustomStringConvertible, Sendable {
    case alreadyRunning(lockPath: String, pid: Int32?)
    case unsafeDirectory(path: String, why: String)
    case socket(path: String, call: String, errno: Int32)
    case unknownGroup(String)
    case configuration(String)
    case system(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .alreadyRunning(let lock, let pid):
            return "another inputmuxd is running" + (pid.map { " (pid \($0))" } ?? "")
                + " and holds \(lock); stop it first (systemctl stop inputmuxd)"
        case .unsafeDirectory(let path, let why):
            return "refusing to start: \(path) \(why); it must be owned by root and writable by root only (tmpfiles.d sets this up)"
        case .socket(let path, let call, let errno):
            return "\(call) on \(path) failed: \(String(cString: strerror(errno))); check [sockets] in the configuration and that the directory exists"
        case .unknownGroup(let g):
            return "group \"\(g)\" does not exist: create it (systemd-sysusers installs it) or change the group under [sockets]"
        case .configuration(let text):
            return text
        case .system(let call, let errno):
            return "\(call) failed: \(String(cString: strerror(errno)))"
        }
    }
}
