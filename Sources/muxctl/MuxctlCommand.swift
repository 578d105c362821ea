import ArgumentParser
import Glibc
import InputMuxCLI
import InputMuxRelay

/// `muxctl`: the operator's and the scripting agent's front door to inputmuxd.
@main
struct MuxctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muxctl",
        abstract: "Operate inputmuxd and act as a leased agent on a shared desktop.",
        discussion: """
        Operators use the control socket (root or group inputmux-admin); agents use the agent \
        socket (group inputmux and a [[policy]] rule). Socket paths come from --control-socket/\
        --agent-socket, INPUTMUX_CONTROL_SOCKET/INPUTMUX_AGENT_SOCKET, the configuration \
        (--config, INPUTMUX_CONFIG) or the defaults. See docs/MUXCTL.md.

        \(ExitStatus.helpTable)
        """,
        subcommands: [
            StatusCommand.self, SessionsCommand.self, DevicesCommand.self, RevokeCommand.self, PauseCommand.self,
            ResumeCommand.self, ReassignCommand.self, ApproveCommand.self, DenyCommand.self, UnfreezeCommand.self, ScreenshotCommand.self,
            MonitorCommand.self, AuditCommand.self, DoctorCommand.self, AgentCommand.self,
        ]
    )

    /// Runs the command; every failure ends as one sentence on stderr and an exit status
    /// from `ExitStatus` (usage errors are "bad input", never a stack trace).
    static func main() async {
        var status = ExitStatus.success.rawValue
        do {
            // A gesture verb of an agent with a lease holder: the holder parses and plays it,
            // before this process parses anything (AgentRelay+Forward.swift says why).
            if let reply = try AgentRelay.forwardToHolder(Array(CommandLine.arguments.dropFirst())) {
                _ = try reply.get()
            } else {
                var command = try parseAsRoot()
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
        } catch {
            let (code, message, toStdout) = report(error)
            if let message { toStdout ? print(message) : Console.error(message) }
            status = code
        }
        Console.flush()
        Glibc.exit(status)
    }

    /// What a failure prints (and where) and the exit status it ends with.
    static func report(_ error: any Error) -> (status: Int32, message: String?, toStdout: Bool) {
        if let e = error as? CLIError { return (e.status.rawValue, e.line, false) }   // escaped (CLIError.line)
        if let code = error as? ExitCode { return (code.rawValue, nil, false) }
        // Help and version requests end cleanly; every parse or validation error is bad input.
        if exitCode(for: error) == .success { return (0, fullMessage(for: error), true) }
        return (ExitStatus.badInput.rawValue, fullMessage(for: error), false)
    }
}
