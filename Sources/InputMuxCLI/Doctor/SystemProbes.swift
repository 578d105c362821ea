import Foundation
import Glibc
import InputMuxConfiguration
import InputMuxRelay
import InputMuxSystem

/// The probes of `muxctl doctor` on the machine it runs on.
public struct SystemProbes: DoctorProbes {
    public init() {}

    public func file(_ path: String) -> FileLookup {
        var st = stat()
        guard lstat(path, &st) == 0 else { return errno == EACCES ? .denied : .missing }
        let kind: FileFacts.Kind = switch st.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFSOCK: .socket
        case S_IFCHR: .characterDevice
        case S_IFLNK: .symlink
        default: .other
        }
        return .found(FileFacts(kind: kind, mode: UInt32(st.st_mode & 0o7777), uid: st.st_uid, gid: st.st_gid, size: Int(st.st_size)))
    }

    public func groupID(named name: String) -> UInt32? {
        guard let g = getgrnam(name) else { return nil }
        return g.pointee.gr_gid
    }

    public func groupName(of gid: UInt32) -> String? {
        guard let g = getgrgid(gid), let n = g.pointee.gr_name else { return nil }
        return String(cString: n)
    }

    public var systemdRunning: Bool { access("/run/systemd/system", F_OK) == 0 }

    public func unitState(_ unit: String) -> String? {
        let candidates: [String] = ["/usr/bin/systemctl", "/bin/systemctl"]
        guard let systemctl = candidates.first(where: { access($0, X_OK) == 0 }),
              let out = Self.run(systemctl, ["is-active", unit]) else { return nil }
        let state = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return state.isEmpty ? nil : state
    }

    public func loadConfiguration(_ path: String) -> Result<Configuration, ConfigurationError> {
        Result { () throws(ConfigurationError) in try ConfigurationLoader.load(path: path, keyName: nil) }
    }

    public func daemonCheck(_ path: String) -> DaemonCheckAnswer {
        guard let inputmuxd = Self.inputmuxd() else {
            return .unavailable("inputmuxd is neither next to muxctl nor on PATH")
        }
        guard let out = Self.run(inputmuxd, ["--check", "--json", "--config", path]) else {
            return .unavailable("\(inputmuxd) could not be run")
        }
        guard let check = ConfigurationCheck(json: out.stdout) else {
            let said = out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return .unavailable("\(inputmuxd) --check gave no answer" + (said.isEmpty ? "" : " (\(said))"))
        }
        return .checked(check)
    }

    /// The inputmuxd installed with this muxctl (beside it), else the one on PATH.
    static func inputmuxd() -> String? {
        var dirs: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dirs.append((exe as NSString).deletingLastPathComponent)
        }
        dirs += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return dirs.lazy.map { $0 + "/inputmuxd" }.first { access($0, X_OK) == 0 }
    }

    /// Runs a program to its end; its standard output and error, or nil if it cannot start.
    static func run(_ executable: String, _ arguments: [String]) -> (stdout: String, stderr: String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return nil }
        // Small outputs: read both to their ends before waiting (a pipe never fills here).
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    public func connect(_ path: String) -> ConnectOutcome {
        do {
            try UnixSocket.connect(to: path).close()
            return .connected
        } catch {
            switch error.errno {
            case .connectionRefused?: return .refused
            case .permissionDenied?, .notPermitted?: return .denied
            case .noSuchFileOrDirectory?: return .missing
            default: return .failed("\(error)")
            }
        }
    }

    public func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    public func inputDevices() -> [InputDeviceNodes] {
        let fm = FileManager.default
        let root = "/sys/class/input"
        let inputs = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("input") }
        return inputs.map { input in
            let dir = root + "/" + input
            let phys = (try? String(contentsOfFile: dir + "/phys", encoding: .utf8)) ?? ""
            return InputDeviceNodes(phys: phys.trimmingCharacters(in: .whitespacesAndNewlines),
                                    nodes: (try? fm.contentsOfDirectory(atPath: dir)) ?? [])
        }
    }

    public var effectiveUID: UInt32 { geteuid() }
}
