import ArgumentParser
import CNoCurl

/// `muxctl`: the operator's and agents' front door to inputmuxd.
@main
struct MuxctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muxctl",
        abstract: "Operate inputmuxd and act as a leased agent on a shared desktop.",
        subcommands: [MCPCommand.self]
    )
}
