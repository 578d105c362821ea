import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxClient

/// `muxctl status`: sessions, leases, the queue, paused or frozen state, devices.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show sessions, leases (region, holder, since, TTL), the queue, paused/frozen state and devices.",
        discussion: "Reading the status never takes, extends or disturbs a lease.")

    @OptionGroup var control: ControlOptions
    @OptionGroup var json: JSONFlag
    @Flag(help: "Refresh until interrupted.") var watch = false
    @Option(help: ArgumentHelp("Seconds between refreshes with --watch.", valueName: "seconds")) var interval: Double = 1

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    func run() async throws {
        try await control.withOperator { op in
            repeat {
                let raw = try await op.statusJSON()
                if json.enabled {
                    // Pretty once; one compact line per refresh while watching.
                    print(watch ? raw.serialized : JSONOutput.render(raw))
                } else {
                    let text = StatusView.render(try raw.decode(StatusReport.self))
                    print(watch ? "\u{1B}[H\u{1B}[2J" + text : text)
                }
                Console.flush()
                if watch { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
            } while watch
        }
    }
}
