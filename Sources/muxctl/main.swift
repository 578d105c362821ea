import Glibc
import InputMuxRelay

// `muxctl`, the front. A gesture verb of an agent with a lease holder
// (`muxctl agent --name N click X Y` after `lease acquire`) goes to that holder, which
// parses and plays it; any other command line runs muxctl-commands in this process.
// Nothing here parses options: the holder and muxctl-commands share one parser, so the
// two paths cannot disagree on what a line means (AgentRelay+Forward.swift).
let arguments = Array(CommandLine.arguments.dropFirst())
do throws(CLIError) {
    if let reply = try AgentRelay.forwardToHolder(arguments) {
        _ = try reply.get()
        exit(ExitStatus.success.rawValue)
    }
    throw CommandsBinary.exec(arguments, argv0: CommandLine.arguments.first ?? "muxctl")
} catch {
    let bytes = Array((error.line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(error.status.rawValue)
}
