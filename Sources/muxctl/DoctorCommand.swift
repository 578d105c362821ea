import ArgumentParser
import InputMuxCLI
import InputMuxRelay

/// `muxctl doctor`: is this machine ready for InputMux, and if not, what to do.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the machine: uinput, permissions, service, sockets, configuration, keymap, X11.",
        discussion: "Each failing check says what to do. Exits 1 when any check fails."
    )

    @OptionGroup var config: ConfigOption
    @OptionGroup var json: JSONFlag

    func run() throws {
        let report = Doctor(probes: SystemProbes(), configPath: config.resolvedPath).run()
        print(json.enabled ? JSONOutput.render(report) : report.render())
        if report.failed { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
