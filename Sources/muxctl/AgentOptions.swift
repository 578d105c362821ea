import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import enum InputMuxWire.PrintableText

/// The options every `muxctl agent` verb takes: who the agent is and what it leases.
struct AgentOptions: ParsableArguments {
    // Optional to the parser only (so `agent VERB --help` finds the verb); validate()
    // requires it.
    @Option(name: .customLong("name"), help: ArgumentHelp("The agent's name, required (1-64 bytes of UTF-8, printable; policy decides which names a uid may use).", valueName: "name"))
    var givenName: String?

    var name: String { givenName ?? "" }

    @Option(help: ArgumentHelp("The region to lease, x,y,w,h or x,y,WxH (default: the whole desktop).", valueName: "x,y,w,h"))
    var region: String?

    @Flag(help: "Lease the keyboard too (verbs that send keys ask for it themselves).")
    var keyboard = false

    @Flag(name: .customLong("try"), help: "Do not queue: fail at once (exit 3) when the region is taken.")
    var tryOnly = false

    @Option(help: ArgumentHelp("Seconds to wait in the queue before giving up (exit 4).", valueName: "seconds"))
    var timeout: Double = 30

    @Option(help: ArgumentHelp("The lease's time to live without activity, in seconds (default: the daemon's).", valueName: "seconds"))
    var ttl: Double?

    @Option(name: .customLong("agent-socket"), help: ArgumentHelp(
        "The daemon's agent socket (env INPUTMUX_AGENT_SOCKET; default: the configuration's, /run/inputmux/agent.sock).", valueName: "path"))
    var socket: String?

    @OptionGroup var config: ConfigOption

    func validate() throws {
        if let givenName, let problem = PrintableText.nameProblem(givenName) {
            throw ValidationError("--name: \(problem); give 1 to 64 bytes of UTF-8, printable characters")
        }
        if let region {
            do { _ = try RegionArgument.parse(region) } catch { throw ValidationError(error.message) }
        }
        // Checked here so the conversion to milliseconds below cannot trap (1e300, inf).
        guard timeout >= 0, timeout <= Self.maximumSeconds else {
            throw ValidationError("--timeout: 0 to \(Int(Self.maximumSeconds)) seconds (a day)")
        }
        if let ttl, !(ttl > 0 && ttl <= Self.maximumSeconds) {
            throw ValidationError("--ttl: more than 0 and at most \(Int(Self.maximumSeconds)) seconds (a day)")
        }
    }

    /// The longest --timeout and --ttl: a day (the daemon takes no longer durations).
    static let maximumSeconds: Double = 86_400

    /// Checked by each verb, not by `agent` itself, so `agent VERB --help` shows the
    /// verb's help even without --name.
    func requireName() throws {
        guard givenName != nil else { throw ValidationError("--name is required: the agent's name, e.g. --name claude-1") }
    }

    var socketPath: String { socket ?? config.paths.agentSocket }

    func leaseOptions(keyboard needed: Bool = false) throws(CLIError) -> LeaseOptions {
        LeaseOptions(region: try region.map { s throws(CLIError) in try RegionArgument.parse(s) }, keyboard: keyboard || needed,
                     tryOnly: tryOnly, timeout: .milliseconds(Int(timeout * 1000)), ttl: ttl.map { .milliseconds(Int($0 * 1000)) })
    }

    /// The private socket of this agent's lease holder (`lease acquire`).
    var relayPath: String {
        AgentRelay.socketPath(directory: relayDirectory, name: name)
    }

    var relayDirectory: String {
        AgentRelay.directory(uid: geteuid(), environment: ProcessInfo.processInfo.environment)
    }

    /// The options as arguments again, for the lease holder process.
    var arguments: [String] {
        var a = ["--name", name, "--timeout", String(timeout), "--agent-socket", socketPath]
        if let region { a += ["--region", region] }
        if keyboard { a.append("--keyboard") }
        if tryOnly { a.append("--try") }
        if let ttl { a += ["--ttl", String(ttl)] }
        return a
    }

    /// Plays `actions` in order: through this agent's lease holder when `lease acquire`
    /// left one, else in a session of their own (connect, lease, act, release).
    /// `lines` (the script's line numbers, for `run`) prefix a refusal with its line.
    func play(_ actions: [AgentAction], lines: [Int]? = nil) async throws {
        func at(_ i: Int, _ e: CLIError) -> CLIError {
            guard let lines else { return e }
            var e = e
            e.message = "line \(lines[i]): " + e.message
            return e
        }
        let relay = relayPath
        if AgentRelay.holderListens(at: relay) {
            for (i, a) in actions.enumerated() {
                do { _ = try AgentRelay.send(a.scriptLine, to: relay).get() } catch { throw at(i, error) }
            }
            return
        }
        let client = try await AgentSession.connect(socketPath: socketPath, name: name)
        defer { client.close() }
        let lease = try await AgentSession.acquire(client, try leaseOptions(keyboard: actions.contains { $0.needsKeyboard }))
        for (i, a) in actions.enumerated() {
            do { try await AgentSession.perform(a, on: lease) } catch {
                try? await lease.release()
                throw at(i, error)
            }
        }
        try? await lease.release()
    }
}
