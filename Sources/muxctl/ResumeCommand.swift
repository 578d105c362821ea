import ArgumentParser

/// `muxctl resume [LEASE]`
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused lease; without LEASE, lift the panic freeze (as unfreeze).")

    @Argument(help: ArgumentHelp("The lease, e.g. L12.", valueName: "lease")) var lease: String?
    @OptionGroup var control: ControlOptions

    func validate() throws {
        if let lease, LeaseArgument.normalized(lease) == nil { throw ValidationError("\"\(lease)\" is not a lease id such as L12") }
    }

    func run() async throws {
        guard let id = lease.flatMap(LeaseArgument.normalized) else {
            try await control.withOperator { try await $0.unfreeze() }
            print("agents unfrozen")
            return
        }
        try await control.withOperator { try await $0.resume(id) }
        print("\(id): resumed")
    }
}
