import InputMuxConfiguration

/// What `muxctl doctor` looks at, behind one seam, so every check is a pure function of
/// what the probes report (tests give fixed answers; `SystemProbes` asks the machine).
public protocol DoctorProbes {
    /// `lstat` of a path.
    func file(_ path: String) -> FileLookup
    func groupID(named: String) -> UInt32?
    func groupName(of gid: UInt32) -> String?
    /// True when systemd is PID 1 (`/run/systemd/system` exists).
    var systemdRunning: Bool { get }
    /// `systemctl is-active UNIT`: active, inactive, failed, activating…; nil when
    /// systemctl cannot be run.
    func unitState(_ unit: String) -> String?
    /// The configuration as muxctl reads it (its settings; key names unresolved).
    func loadConfiguration(_ path: String) -> Result<Configuration, ConfigurationError>
    /// The daemon's own check of the configuration (`inputmuxd --check --json`): what
    /// needs the daemon's libraries, the panic chord's key names and the keymap.
    func daemonCheck(_ path: String) -> DaemonCheckAnswer
    /// Connects to a Unix stream socket and closes it at once.
    func connect(_ path: String) -> ConnectOutcome
    func environment(_ name: String) -> String?
    /// The input devices in `/sys/class/input`, with their handler nodes.
    func inputDevices() -> [InputDeviceNodes]
    /// The effective uid doctor runs as (some files are root's only).
    var effectiveUID: UInt32 { get }
}

public enum FileLookup: Hashable, Sendable {
    case found(FileFacts)
    case missing
    /// A directory on the way may not be searched by this user.
    case denied

    public var facts: FileFacts? { if case .found(let f) = self { f } else { nil } }
}

/// `lstat` facts.
public struct FileFacts: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case regular, directory, socket, characterDevice, symlink, other }
    public var kind: Kind
    /// Permission bits (`0o660`).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int

    public init(kind: Kind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, size: Int = 0) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
    }

    public var octal: String { "0" + String(mode, radix: 8) }
}

public enum ConnectOutcome: Hashable, Sendable {
    case connected
    /// Nobody listens: a stale socket file.
    case refused
    /// No permission to connect.
    case denied
    case missing
    case failed(String)
}

public enum DaemonCheckAnswer: Hashable, Sendable {
    case checked(ConfigurationCheck)
    /// inputmuxd could not be found or gave no answer; the sentence says which.
    case unavailable(String)
}
