import Glibc
import enum InputMuxWire.PrintableText

/// How the `muxctl` front runs `muxctl-commands`, the binary with every verb, when a
/// command line is not a gesture its lease holder plays.
///
/// The front is a small static program so that a script's held-lease click starts
/// quickly. Everything else (ArgumentParser, Foundation, the MCP SDK) lives in
/// muxctl-commands, which the front runs in its own process with `execv`: same process
/// id, same standard streams, same exit status, same signals.
public enum CommandsBinary {
    public static let name = "muxctl-commands"

    /// Set by the front for muxctl-commands: the front's own path. Its presence tells
    /// muxctl-commands that the lease holder was already asked; its value tells doctor
    /// where muxctl (and inputmuxd beside it) is installed.
    public static let frontVariable = "INPUTMUX_MUXCTL_FRONT"

    /// Where muxctl-commands may be, for a front at `front`: beside it (a build
    /// directory, a bundle of binaries), then in `../libexec/inputmux` (`make install`).
    public static func candidates(besideFront front: String) -> [String] {
        let dir = front.lastIndex(of: "/").map { String(front[..<$0]) } ?? "."
        return [dir + "/" + name, dir + "/../libexec/inputmux/" + name]
    }

    /// The running program's path (`/proc/self/exe`, symbolic links resolved).
    public static func ownPath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Replaces this process with muxctl-commands for `arguments` (muxctl's, without
    /// argv[0]). Returns only when it could not: the failure to report.
    public static func exec(_ arguments: [String], argv0: String = "muxctl") -> CLIError {
        guard let front = ownPath() else {
            return CLIError(.failure, "cannot read /proc/self/exe to find \(name) (is /proc mounted?)")
        }
        let paths = candidates(besideFront: front)
        guard let path = paths.first(where: { access($0, X_OK) == 0 }) else {
            return CLIError(.failure, "\(name) is missing: looked for \(paths.joined(separator: " and ")); reinstall InputMux (make install)")
        }
        setenv(frontVariable, front, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = ([argv0] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, &argv)
        let e = errno
        for p in argv { free(p) }
        return CLIError(.failure, "cannot run \(path): \(String(cString: strerror(e)))")
    }
}

extension CLIError {
    /// The line muxctl prints on standard error for this failure.
    /// Its sentence may quote the daemon, which quotes clients: characters that are not
    /// printable are escaped (`PrintableText`), so no client drives the terminal.
    public var line: String { "muxctl: " + PrintableText.escaped(message) }
}
