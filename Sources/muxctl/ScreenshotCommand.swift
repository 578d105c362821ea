import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// `muxctl screenshot --lease L7 -o FILE`: an operator sees what a lease shows.
struct ScreenshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screenshot",
        abstract: "Capture what a held lease shows, as its agent would see it (audited with you).",
        discussion: "The cursor drawn (--cursor) is the lease holder's. Sensitive regions need `muxctl approve LEASE --capture` first, as for the agent.")

    @Option(help: ArgumentHelp("The lease to show, e.g. L7 (see `muxctl status`).", valueName: "lease"))
    var lease: String

    @OptionGroup var capture: CaptureArguments
    @OptionGroup var control: ControlOptions

    func validate() throws {
        guard LeaseArgument.normalized(lease) != nil else { throw ValidationError("--lease: \"\(lease)\" is not a lease id such as L12") }
    }

    func run() async throws {
        let options = try capture.options()
        let id = LeaseArgument.normalized(lease) ?? lease
        let shot = try await control.withOperator { try await $0.capture(lease: id, options) }
        try capture.deliver(shot)
    }
}
