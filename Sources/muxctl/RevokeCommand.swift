import ArgumentParser

/// `muxctl revoke LEASE`
struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "End a lease now (the holder is told; the queue advances).")

    @OptionGroup var lease: LeaseArgument
    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.revoke(lease.id) }
        print("\(lease.id): revoked")
    }
}
