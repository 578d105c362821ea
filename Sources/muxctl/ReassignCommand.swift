import ArgumentParser

/// `muxctl reassign LEASE SESSION`
struct ReassignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reassign", abstract: "Give a held lease to another session (see `muxctl sessions`).")

    @OptionGroup var lease: LeaseArgument
    @Argument(help: ArgumentHelp("The session to give it to.", valueName: "session")) var session: Int
    @OptionGroup var control: ControlOptions

    func validate() throws {
        guard session > 0 else { throw ValidationError("the session is a positive number (see muxctl sessions)") }
    }

    func run() async throws {
        try await control.withOperator { try await $0.reassign(lease.id, to: session) }
        print("\(lease.id): reassigned to session \(session)")
    }
}
