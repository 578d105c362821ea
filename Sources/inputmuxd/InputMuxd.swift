import ArgumentParser
import Glibc
import InputMuxConfiguration
import InputMuxDaemon
import Logging
import ServiceLifecycle

/// `inputmuxd`: the root service that shares one desktop between a human and agents.
@main
struct InputMuxd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inputmuxd",
        abstract: "Multiplex the kernel input boundary between a human and leased agents.",
        discussion: "Runs as root under systemd (inputmuxd.service). See docs/PROTOCOL.md for the wire protocol."
    )

    @Option(name: .long, help: "The configuration file.")
    var config = ConfigurationLoader.defaultPath

    @Flag(name: .long, help: "Validate the configuration as a start would (key names, keymap) and exit: 0 when valid, 1 if not.")
    var check = false

    @Flag(name: .long, help: "With --check: print the findings as one JSON object (muxctl doctor reads it).")
    var json = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if json && !check { throw ValidationError("--json goes with --check") }
    }

    func run() async throws {
        if check {
            let result = ConfigurationCheck.asDaemon(path: config)
            if json {
                print(result.json)
                if !result.isValid { throw ExitCode.failure }
            } else if result.isValid {
                print("\(config): valid")
            } else {
                throw StartFailure(message: result.description)
            }
            return
        }
        let level = logLevel
        // Under systemd, lines go to the journal natively, their metadata as fields
        // (`journalctl -u inputmuxd AUDIT_DECISION=rejected`); elsewhere to stderr.
        let journal = JournalLogHandler.stderrIsJournal
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "inputmuxd")
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: config, keyName: Daemon.linuxKeyCode)
        } catch {
            throw StartFailure(message: error.description)
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, logger: logger)
        } catch {
            throw StartFailure(message: "\(error)")
        }
        let group = ServiceGroup(
            services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

/// A start-up failure: printed as one actionable sentence, exit status 1, no stack trace.
struct StartFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "inputmuxd: \(message)" }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
