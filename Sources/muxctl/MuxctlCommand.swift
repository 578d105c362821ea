import ArgumentParser
import Glibc
import InputMuxCLI

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
            ResumeCommand.self, ReassignCommand.self, ApproveCommand.self, DenyCommand.self, UnfreezeCommand.self,
            MonitorCommand.self, AuditCommand.self, DoctorCommand.self, AgentCommand.self,
        ]
    )

    /// Runs the command; every failure ends as one sentence on stderr and an exit status
    /// from `ExitStatus` (usage errors are "bad input", never a stack trace).
    static func main() async {
        let status: Int32
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            status = ExitStatus.success.rawValue
        } catch let error as CLIError {
            Console.error("muxctl: \(error.message)")
            status = error.status.rawValue
        } catch let code as ExitCode {
            status = code.rawValue
        } catch {
            let exit = exitCode(for: error)
            if exit == .success {
                print(fullMessage(for: error))
                status = 0
            } else {
                Console.error(fullMessage(for: error))
                status = ExitStatus.badInput.rawValue
            }
        }
        Console.flush()
        Glibc.exit(status)
    }
}
