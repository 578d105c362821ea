import ArgumentParser

/// `muxctl deny LEASE`
struct DenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deny", abstract: "Refuse a lease waiting for approval.")

    @OptionGroup var lease: LeaseArgument
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.deny(lease.id) }
        print("\(lease.id): denied")
    }
}
