import ArgumentParser
import InputMuxCLI
import InputMuxClient

/// How operator verbs reach the daemon's control socket.
struct ControlOptions: ParsableArguments {
    @Option(name: .customLong("control-socket"), help: ArgumentHelp(
        "The daemon's control socket (env INPUTMUX_CONTROL_SOCKET; default: the configuration's, /run/inputmux/control.sock).", valueName: "path"))
    var socket: String?

    @OptionGroup var config: ConfigOption

    var socketPath: String { socket ?? config.paths.controlSocket }

    /// Runs `body` on an operator connection, closed afterwards; client errors become
    /// CLI errors with their exit status.
    func withOperator<T>(_ body: (OperatorClient) async throws -> T) async throws -> T {
        let op: OperatorClient
        do { op = try await OperatorClient.connect(socketPath: socketPath) } catch {
            throw AgentSession.failure(error)
        }
        defer { op.close() }
        do { return try await body(op) } catch let e as InputMuxError {
            throw AgentSession.failure(e)
        }
    }
}

/// A lease id as operators type it: `L12` or `12`.
struct LeaseArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The lease, e.g. L12 (see `muxctl status`).", valueName: "lease"))
    var lease: String

    func validate() throws {
        guard LeaseArgument.normalized(lease) != nil else { throw ValidationError("\"\(lease)\" is not a lease id such as L12") }
    }

    var id: String { Self.normalized(lease) ?? lease }

    static func normalized(_ s: String) -> String? {
        let digits = s.hasPrefix("L") || s.hasPrefix("l") ? s.dropFirst() : Substring(s)
        guard let n = UInt64(digits), n > 0 else { return nil }
        return "L\(n)"
    }
}
