import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxRelay

/// `muxctl monitor`: every decision as it is made.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Stream decisions live: allowed and rejected gestures and lease changes, with reasons.",
        discussion: "Runs until interrupted or until the daemon stops. Typed text shows as its length only.")

    @OptionGroup var control: ControlOptions
    @OptionGroup var json: JSONFlag

    func run() async throws {
        try await control.withOperator { op in
            let records = try await op.monitor()
            Console.error("monitoring \(control.socketPath); Ctrl-C ends")
            let clock = DateFormatter()
            clock.dateFormat = "HH:mm:ss.SSS"
            for await r in records {
                print(json.enabled ? MonitorView.json(r) : MonitorView.line(r, clock: clock.string(from: Date())))
                Console.flush()
            }
            throw CLIError(.unavailable, "the daemon closed the connection (stopped or restarted)")
        }
    }
}
