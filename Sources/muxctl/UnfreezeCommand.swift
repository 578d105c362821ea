import ArgumentParser

/// `muxctl unfreeze`
struct UnfreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze", abstract: "Let agents act again after the panic chord froze them (their leases stay revoked).")

    @OptionGroup var control: ControlOptions

    func run() async throws {
        try await control.withOperator { try await $0.unfreeze() }
        print("agents unfrozen")
    }
}
