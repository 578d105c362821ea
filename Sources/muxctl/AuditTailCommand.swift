import ArgumentParser
import Foundation
import Glibc
import InputMuxCLI
import InputMuxAudit
import InputMuxRelay

/// `muxctl audit [tail]`: the last records, optionally filtered, optionally followed.
struct AuditTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the last records of the audit log (the default of `muxctl audit`)."
    )

    @Option(name: [.customShort("n"), .customLong("lines")], help: "How many records to print.")
    var count = 20

    @Flag(name: [.short, .long], help: "Keep printing records as they are written (across rotations) until interrupted.")
    var follow = false

    @Option(help: ArgumentHelp("Only this agent's records: NAME (every session) or NAME#SID.", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("Only this lease's records (L12).", valueName: "lease"))
    var lease: String?

    @Option(name: .customLong("log"), help: ArgumentHelp("The audit log (env INPUTMUX_AUDIT_LOG; default: the configuration's [audit] path).", valueName: "path"))
    var logPath: String?

    @OptionGroup var config: ConfigOption
    @OptionGroup var json: JSONFlag

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--lines must not be negative") }
    }

    func run() throws {
        let path = logPath ?? config.paths.auditLog
        let filter = AuditView.Filter(agent: agent, lease: lease)
        guard follow || access(path, F_OK) == 0 else {
            throw CLIError(.failure, "\(path) does not exist: is inputmuxd running, and is this its [audit] path? (--log, INPUTMUX_AUDIT_LOG)")
        }
        let entries: [AuditLogEntry]
        do {
            entries = try AuditLogReader.records(path: path, agent: filter.agent, lease: filter.lease, last: count)
        } catch {
            throw CLIError(.failure, error.description)
        }
        for e in entries { print(json.enabled ? e.line : AuditView.line(e)) }
        guard follow else { return }
        Console.flush()
        let follower = AuditFollower(path: path)
        while true {
            for line in follower.poll() {
                guard let e = AuditLogEntry(line: line, file: path), filter.keeps(e) else { continue }
                print(json.enabled ? e.line : AuditView.line(e))
            }
            Console.flush()
            usleep(200_000)
        }
    }
}
