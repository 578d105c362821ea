import ArgumentParser

/// `muxctl approve LEASE [--capture]`
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Grant a lease waiting for approval (a sensitive region); --capture also lets it be captured.")

    @OptionGroup var lease: LeaseArgument
    @Flag(help: "Also approve captures of the sensitive regions the lease shows (and the lease, if it waits).")
    var capture = false
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.approve(lease.id, capture: capture) }
        print("\(lease.id): approved" + (capture ? ", captures included" : ""))
    }
}
