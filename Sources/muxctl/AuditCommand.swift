import ArgumentParser

/// `muxctl audit`: read and verify the hash-chained audit log (docs/AUDIT.md).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log (tail, follow, filter) or verify its hash chain.",
        subcommands: [AuditTailCommand.self, AuditVerifyCommand.self],
        defaultSubcommand: AuditTailCommand.self
    )
}
