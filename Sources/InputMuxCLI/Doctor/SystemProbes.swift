import Foundation
import Glibc
import InputMuxDaemon
import InputMuxKeymap

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
        guard let systemctl = candidates.first(where: { access($0, X_OK) == 0 }) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: systemctl)
        p.arguments = ["is-active", unit]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let state = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return state.isEmpty ? nil : state
    }

    public func loadConfiguration(_ path: String) -> Result<Configuration, ConfigurationError> {
        Result { () throws(ConfigurationError) in try ConfigurationLoader.load(path: path, keyName: Daemon.linuxKeyCode) }
    }

    public func keymapProblem(_ k: Configuration.KeymapSettings) -> String? {
        do {
            _ = try XKBKeymap(layout: k.layout, variant: k.variant, model: k.model, options: k.options)
            return nil
        } catch {
            return error.description
        }
    }

    public func connect(_ path: String) -> ConnectOutcome {
        switch UnixSocket.connect(path) {
        case .success(let fd):
            close(fd)
            return .connected
        case .failure(let e):
            switch e.errno {
            case ECONNREFUSED: return .refused
            case EACCES, EPERM: return .denied
            case ENOENT: return .missing
            default: return .failed(e.reason)
            }
        }
    }

    public func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    public var effectiveUID: UInt32 { geteuid() }
}
