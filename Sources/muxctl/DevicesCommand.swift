import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// `muxctl devices`
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List the physical devices inputmuxd grabbed and their passthrough clones.")

    @OptionGroup var control: ControlOptions
    @OptionGroup var json: JSONFlag

    func run() async throws {
        let raw = try await control.withOperator { try await $0.statusJSON() }
        print(json.enabled ? JSONOutput.render(raw["devices"]) : StatusView.devices(try raw.decode(StatusReport.self).devices ?? []))
    }
}
