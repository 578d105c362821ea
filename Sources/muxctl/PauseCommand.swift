import ArgumentParser

/// `muxctl pause LEASE`
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a lease: its gestures are refused until resume.")

    @OptionGroup var lease: LeaseArgument
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.pause(lease.id) }
        print("\(lease.id): paused")
    }
}
