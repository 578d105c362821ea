import ArgumentParser

/// `muxctl approve LEASE`
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Grant a lease waiting for approval (a sensitive region).")

    @OptionGroup var lease: LeaseArgument
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.approve(lease.id) }
        print("\(lease.id): approved")
    }
}
