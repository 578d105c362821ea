import ArgumentParser
import Foundation
import Glibc
import InputMuxCLI
import InputMuxRelay

/// The lease holder `lease acquire` starts (not for direct use): acquires, reports one
/// line on stdout, then serves the agent's later commands on its private socket.
struct AgentLeaseHoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "The background lease holder (started by lease acquire).", shouldDisplay: false)

    @OptionGroup var agent: AgentOptions

    func validate() throws { try agent.requireName() }

    func run() async throws {
        // Its own session: the terminal's Ctrl-C for `lease acquire` must not end it later.
        setsid()
        let served: (AgentRelayServer, AgentHolder)
        do {
            let client = try await AgentSession.connect(socketPath: agent.socketPath, name: agent.name)
            let lease = try await AgentSession.acquire(client, try agent.leaseOptions())
            let server = try AgentRelayServer(path: agent.relayPath)
            let holder = AgentHolder(client: client, lease: lease)
            print(AgentRelay.Reply.ok(HolderStatus(client: client, lease: lease).json).line)
            served = (server, holder)
        } catch {
            print(AgentRelay.Reply.error(code: error.relayCode, message: error.message).line)
            throw ExitCode(error.status.rawValue)
        }
        Console.flush()
        // Nothing more goes to the terminal of the command that started it.
        let null = open("/dev/null", O_RDWR)
        for fd: Int32 in [0, 1, 2] { dup2(null, fd) }
        close(null)
        let holder = served.1, name = agent.name
        await served.0.serve { line in
            // A later command's whole command line (AgentRelay.forwardToHolder).
            if let arguments = AgentRelay.arguments(fromLine: line) {
                guard let actions = MuxctlCommand.forwarded(arguments, agentName: name) else { return .init(.local) }
                return await holder.play(actions)
            }
            return await holder.handle(line)
        }
    }
}
