import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxRelay

/// `muxctl agent --name N lease acquire`: starts this agent's lease holder and returns
/// once the lease is active (or refused).
struct AgentLeaseAcquireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acquire",
        abstract: "Acquire a lease and keep it (in a background holder) for the next agent commands.",
        discussion: "Waits in the queue up to --timeout (exit 4), or answers at once with --try (exit 3 when taken). The lease lives until `lease release`, a revoke, or its TTL without activity (the holder sends heartbeats).")

    @OptionGroup var agent: AgentOptions
    @OptionGroup var json: JSONFlag

    func validate() throws { try agent.requireName() }

    func run() throws {
        try AgentRelay.prepare(directory: agent.relayDirectory)
        guard !AgentRelay.holderListens(at: agent.relayPath) else {
            throw CLIError(.badInput, "agent \"\(agent.name)\" already holds a lease through muxctl; `muxctl agent --name \(agent.name) lease status` shows it, `lease release` ends it")
        }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        holder.arguments = ["agent", "lease", "hold"] + agent.arguments
        let pipe = Pipe()
        holder.standardOutput = pipe
        holder.standardInput = FileHandle.nullDevice
        do { try holder.run() } catch {
            throw CLIError(.failure, "cannot start the lease holder: \(error.localizedDescription)")
        }
        // The holder's first line says how the acquire went; then it stays in the background.
        var line = Data()
        let reader = pipe.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard !text.isEmpty else { throw CLIError(.failure, "the lease holder ended without saying why") }
        let payload = try AgentRelay.Reply(line: text).get() ?? "{}"
        let status = try HolderStatus(json: payload)
        print(json.enabled ? JSONOutput.render(status.document) : status.text)
    }
}
