import Glibc
import InputMuxSystem

/// A lease that outlives one `muxctl agent` command: `lease acquire` leaves a holder
/// process with the session and its lease, and later verbs of the same agent name reach
/// it through a private Unix socket (one line per request, the `run` syntax; one reply
/// line). So a script's clicks share one session, one pair of virtual devices and one
/// lease, and each command costs a local round trip instead of a new session.
///
/// Requests: `status`, `release`, a gesture in the `run` syntax, `capture <json>` (the
/// capture request's fields, AgentCapture.swift), or a forwarded command line.
/// Replies: `ok`, `ok <json>` (status; a capture's facts with its image in base64),
/// `error <code> <sentence>`, and `local` to a forwarded command line the holder does
/// not play (`AgentRelay+Forward.swift`).
public enum AgentRelay {
    /// `$XDG_RUNTIME_DIR/inputmux-muxctl` (the user's private runtime directory), else
    /// `/tmp/inputmux-muxctl-UID`; made 0700 and refused when another user owns it.
    public static func directory(uid: UInt32, environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime + "/inputmux-muxctl" }
        return "/tmp/inputmux-muxctl-\(uid)"
    }

    /// The holder's socket for `name`. Names are free text to the daemon; here every
    /// byte outside `[A-Za-z0-9._-]` is hex-escaped, so a name never leaves the directory.
    public static func socketPath(directory: String, name: String) -> String {
        var safe = ""
        for b in name.utf8 {
            let c = Character(UnicodeScalar(b))
            if c.isASCII, c.isLetter || c.isNumber || c == "-" || c == "_" || (c == "." && !safe.isEmpty) {
                safe.append(c)
            } else {
                safe += "%" + String(b, radix: 16, uppercase: true)
            }
        }
        return directory + "/" + safe + ".sock"
    }

    public enum Reply: Equatable, Sendable {
        case ok(String?)
        case error(code: String, message: String)
        /// Not a gesture command of the holder's agent: the command runs in its own process.
        case local

        public var line: String {
            switch self {
            case .local: "local"
            case .ok(nil): "ok"
            case .ok(let payload?): "ok " + payload
            case .error(let code, let message):
                "error \(code) " + String(String.UnicodeScalarView(message.unicodeScalars.map { $0 == "\n" ? " " : $0 }))
            }
        }

        public init(line: String) {
            if line == "ok" { self = .ok(nil); return }
            if line == "local" { self = .local; return }
            if line.hasPrefix("ok ") { self = .ok(String(line.dropFirst(3))); return }
            if line.hasPrefix("error ") {
                let rest = line.dropFirst(6)
                let code = rest.prefix { $0 != " " }
                self = .error(code: String(code), message: String(rest.dropFirst(code.count).drop { $0 == " " }))
                return
            }
            self = .error(code: "protocol_violation", message: "the lease holder answered \"\(line)\"")
        }

        /// `ok` as success; an error as the CLI failure its code names.
        public func get() throws(CLIError) -> String? {
            switch self {
            case .ok(let payload): return payload
            case .error(let code, let message): throw CLIError.daemon(code: code, message: message)
            case .local: throw CLIError(.failure, "the lease holder did not play the command; run it again")
            }
        }
    }

    /// The directory, made private if missing; an unsafe one is refused.
    public static func prepare(directory: String) throws(CLIError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw CLIError(.failure, "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == geteuid(), st.st_mode & 0o077 == 0 else {
            throw CLIError(.failure, "\(directory) is not a private directory of uid \(geteuid()) (0700): remove it and retry")
        }
    }

    /// Whether a holder answers at `path`. A socket nobody listens on (the holder was
    /// killed) is removed.
    public static func holderListens(at path: String) -> Bool {
        guard let socket = holderConnection(at: path) else { return false }
        socket.close()
        return true
    }

    /// A connection to the holder at `path`; nil when none listens (a socket nobody
    /// listens on is removed).
    static func holderConnection(at path: String) -> UnixSocket? {
        do { return try UnixSocket.connect(to: path) } catch {
            if error.errno == .connectionRefused { unlink(path) }
            return nil
        }
    }

    /// Sends one request line to the holder and reads its reply line.
    public static func send(_ line: String, to path: String) throws(CLIError) -> Reply {
        let socket: UnixSocket
        do { socket = try UnixSocket.connect(to: path) } catch {
            throw CLIError(.unavailable, "the lease holder at \(path) cannot be reached (\(error)); acquire the lease again")
        }
        return try exchange(line, on: socket, path: path)
    }

    /// The longest request line a holder reads from a command.
    package static let maximumLine = 1 << 20
    /// The longest reply line a command reads from its holder: a capture's reply carries
    /// the image in base64 (`capture`, AgentCapture.swift), as long as the daemon's
    /// longest inline capture.
    package static let maximumReplyLine = 384 << 20

    /// Writes `line` on a connection to the holder at `path`, reads the reply line and
    /// closes the connection.
    static func exchange(_ line: String, on socket: UnixSocket, path: String) throws(CLIError) -> Reply {
        defer { socket.close() }
        do { try socket.send(Array((line + "\n").utf8)) } catch {
            throw CLIError(.unavailable, "the lease holder at \(path) closed the connection")
        }
        var reader = LineReader(maximumLine: maximumReplyLine, readSize: 65536)
        guard let reply = try? reader.readLine(from: socket.descriptor) else {
            throw CLIError(.unavailable, "the lease holder at \(path) ended without answering; acquire the lease again")
        }
        return Reply(line: String(decoding: reply, as: UTF8.self))
    }
}
