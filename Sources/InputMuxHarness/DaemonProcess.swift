import Glibc

/// A real `inputmuxd` started for a test or benchmark: the child, and the wait until it
/// is ready to serve. Each harness writes its own configuration; this starts it.
public enum DaemonProcess {
    /// How a harness knows the daemon is up.
    public enum Readiness: Sendable {
        /// Its log (standard output and error, appended to this file) has
        /// `inputmuxd ready`, written after this start.
        case logSaysReady(logPath: String)
        /// A file (its control socket) exists at this path.
        case socketExists(String)
    }

    /// Starts `command` (inputmuxd, or a wrapper such as `nice` or `setpriv` around it)
    /// and returns once `readiness` holds; fails with the log's tail when the daemon ends
    /// first or `timeout` passes.
    public static func start(
        _ command: [String], readiness: Readiness, timeout: Duration = .seconds(20)
    ) throws(HarnessError) -> ChildProcess {
        let child: ChildProcess
        let ready: () -> Bool
        let detail: () -> String
        switch readiness {
        case .logSaysReady(let log):
            let offset = HarnessFiles.size(log)
            child = try ChildProcess(command[0], Array(command.dropFirst()), output: .file(log), error: .standardOutput)
            ready = { HarnessFiles.text(log, from: offset).contains("inputmuxd ready") }
            detail = { String(HarnessFiles.text(log, from: offset).suffix(1500)) }
        case .socketExists(let path):
            child = try ChildProcess(command[0], Array(command.dropFirst()), output: .inherited, error: .inherited)
            ready = { access(path, F_OK) == 0 }
            detail = { "" }
        }
        do {
            try child.waitUntil("inputmuxd is ready", timeout: timeout, detail: detail, ready)
        } catch {
            child.kill()
            throw error
        }
        return child
    }
}
