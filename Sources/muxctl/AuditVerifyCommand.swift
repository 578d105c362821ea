import ArgumentParser
import InputMuxCLI
import InputMuxAudit
import InputMuxRelay

/// `muxctl audit verify`: the hash chain across the rotated files and the current one.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the audit log's hash chain across rotated files.",
        discussion: """
        Names the first record that cannot be trusted (modified, deleted, reordered, cut off). \
        The end of the log is compared with the daemon's saved head (audit.head, readable by \
        root) when available. Exits 8 when the log is not intact.
        """
    )

    @Option(name: .customLong("log"), help: ArgumentHelp("The audit log (env INPUTMUX_AUDIT_LOG; default: the configuration's [audit] path).", valueName: "path"))
    var logPath: String?

    @Option(name: .customLong("head"), help: ArgumentHelp("The daemon's head file to check the end against (default: audit.head next to the audit key, when readable).", valueName: "path"))
    var headPath: String?

    @OptionGroup var config: ConfigOption
    @OptionGroup var json: JSONFlag

    func run() throws {
        let paths = config.paths
        let log = logPath ?? paths.auditLog
        let head = AuditHeadFile(path: headPath ?? paths.auditHead).read(logPath: log)
        if headPath != nil, head == nil {
            throw CLIError(.badInput, "\(headPath!) holds no head for \(log): give the head file of this log, or leave --head out")
        }
        let report = AuditLogReader.verify(path: log, expectedHead: head)
        print(json.enabled ? JSONOutput.render(AuditVerdict(report)) : report.sentence)
        if !report.isIntact { throw ExitCode(ExitStatus.auditBroken.rawValue) }
    }
}
