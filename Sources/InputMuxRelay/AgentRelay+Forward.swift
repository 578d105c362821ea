import Glibc

/// The held-lease fast path. A `muxctl agent --name N VERB …` whose agent has a lease
/// holder hands its whole command line to the holder before parsing anything itself,
/// and the holder parses it with the same command types and plays it on its lease.
///
/// Why: the first parse of a command line in a fresh process is most of a short
/// command's cost. ArgumentParser reflects over the command types, and every first
/// protocol-conformance check scans all of the binary's conformance records (about
/// 8,400 in muxctl). That is about 30 million instructions, about 75% of a start,
/// and far slower still under emulation. The holder has already parsed once, so its
/// caches are warm.
///
/// The name found here is only a routing hint. The holder parses the line for real and
/// answers `local` unless it is a gesture verb of its own agent; the command then runs
/// in its own process as usual, so the two paths cannot disagree on what a line means.
extension AgentRelay {
    /// The request that carries a command line: `argv`, then each argument with `%`,
    /// spaces, control characters and DEL written as `%XX`.
    public static func argumentsLine(_ arguments: [String]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var line = Array("argv".utf8)
        for argument in arguments {
            line.append(UInt8(ascii: " "))
            for b in argument.utf8 {
                if b == UInt8(ascii: "%") || b <= 0x20 || b == 0x7F {
                    line += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                } else {
                    line.append(b)
                }
            }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// The command line an `argumentsLine` carries; nil for any other request.
    public static func arguments(fromLine line: String) -> [String]? {
        guard line == "argv" || line.hasPrefix("argv ") else { return nil }
        guard line != "argv" else { return [] }
        return line.utf8.dropFirst(5).split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { word in
            var bytes: [UInt8] = []
            var i = word.startIndex
            while i < word.endIndex {
                let b = word[i]
                if b == UInt8(ascii: "%"), let hi = word.index(i, offsetBy: 1, limitedBy: word.endIndex), hi < word.endIndex,
                   let lo = word.index(hi, offsetBy: 1, limitedBy: word.endIndex), lo < word.endIndex,
                   let value = UInt8(String(decoding: [word[hi], word[lo]], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    i = word.index(after: lo)
                } else {
                    bytes.append(b)
                    i = word.index(after: i)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The agent name of a `muxctl agent` command line (the last `--name N` or
    /// `--name=N` before `--`), without parsing it; nil for other command lines.
    public static func agentNameHint(in arguments: [String]) -> String? {
        guard arguments.first == "agent" else { return nil }
        var name: String?
        var i = 1
        while i < arguments.count, arguments[i] != "--" {
            if arguments[i] == "--name", i + 1 < arguments.count {
                name = arguments[i + 1]
                i += 2
                continue
            }
            if arguments[i].hasPrefix("--name=") { name = String(arguments[i].dropFirst(7)) }
            i += 1
        }
        return name
    }

    /// Hands a `muxctl agent` command line to its agent's lease holder in `directory`
    /// (default: this user's): the holder's answer, or nil when the line names no agent,
    /// no holder listens, or the holder left the command to this process (`local`).
    /// A holder that listens but ends without answering is an error, as for any verb
    /// sent through it: the command never quietly falls back to a session of its own.
    public static func forwardToHolder(_ arguments: [String], directory: String? = nil) throws(CLIError) -> Reply? {
        guard let name = agentNameHint(in: arguments) else { return nil }
        let path = socketPath(directory: directory ?? userDirectory, name: name)
        // One connection: no holder is a refused (or missing) socket, not a probe first.
        guard let fd = holderConnection(at: path) else { return nil }
        let reply = try exchange(argumentsLine(arguments), on: fd, path: path)
        return reply == .local || reply.isUnknownRequest ? nil : reply
    }

    /// This user's holder directory, read with getenv: the fast path needs nothing more.
    static var userDirectory: String {
        var environment: [String: String] = [:]
        if let runtime = getenv("XDG_RUNTIME_DIR") { environment["XDG_RUNTIME_DIR"] = String(cString: runtime) }
        return directory(uid: geteuid(), environment: environment)
    }
}

extension AgentRelay {
    /// How a holder's refusal of a request it does not know begins (the gesture
    /// script's refusal of an unknown verb): `Reply.isUnknownRequest` looks for it.
    public static let unknownGesturePrefix = "unknown gesture "
}

extension AgentRelay.Reply {
    /// What a holder started by an older muxctl answers a forwarded command line: it
    /// reads `argv` as a gesture it does not know. The command then runs here and sends
    /// that holder script lines, which it understands, so upgrading muxctl never breaks
    /// a running holder.
    public var isUnknownRequest: Bool {
        if case .error(let code, let message) = self {
            return code == ExitStatus.badInput.code && message.hasPrefix(AgentRelay.unknownGesturePrefix + "\"argv\"")
        }
        return false
    }
}
