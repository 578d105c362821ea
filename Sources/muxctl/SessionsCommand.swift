import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// `muxctl sessions`
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sessions", abstract: "List agent sessions and who they are (name, uid, gid, pid, executable).")

    @OptionGroup var control: ControlOptions
    @OptionGroup var json: JSONFlag

    func run() async throws {
        let raw = try await control.withOperator { try await $0.statusJSON() }
        print(json.enabled ? JSONOutput.render(raw["sessions"]) : StatusView.sessions(try raw.decode(StatusReport.self).sessions))
    }
}
