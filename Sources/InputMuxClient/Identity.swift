import InputMuxWire

/// Who an agent session is, as the daemon established it from the kernel (`SO_PEERCRED`)
/// and the name the agent declared.
public struct Identity: Sendable, Hashable, CustomStringConvertible, WireObjectDecodable {
    public var name: String
    public var session: Int
    public var uid: Int
    public var gid: Int
    public var pid: Int
    public var exe: String

    public init(name: String, session: Int, uid: Int, gid: Int, pid: Int, exe: String) {
        self.name = name
        self.session = session
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.exe = exe
    }

    public init(fields f: JSONFields) throws(WireError) {
        name = try f.string("name")
        session = try f.decode("session")
        uid = try f.decode("uid")
        gid = try f.decode("gid")
        pid = try f.decode("pid")
        exe = try f.string("exe")
    }

    /// `"name"#session`, as the daemon's sentences write it.
    public var description: String { "\"\(name)\"#\(session)" }
}

/// What the hello reply told an agent session.
public struct SessionInfo: Sendable, Hashable {
    public var protocolVersion: Int
    public var identity: Identity
    /// The whole desktop in logical pixels; coordinate spaces scale onto it.
    public var desktop: Region
    /// The session's own virtual devices (evdev nodes).
    public var pointerDevice: String
    public var keyboardDevice: String
    public var maxTextLength: Int?
    public var maxPathPoints: Int?
    /// The seat the session's gestures run on: its own (an XInput2 master pair, with its
    /// own cursor and focus), or the human's shared one.
    public var seat: Seat

    /// Which seat a session got at hello (docs/SEATS.md).
    public enum Seat: Sendable, Hashable {
        /// A seat of its own, named as `xinput list` shows it.
        case own(name: String)
        /// The human's seat, shared with every other session without one, and why.
        case shared(reason: String)
    }

    /// Reads an agent's hello reply (the protocol contract test feeds it the daemon's).
    package init(hello r: JSON) throws(InputMuxError) {
        guard let identity = try? r["identity"].decode(Identity.self), let desktop = try? r["desktop"].decode(Region.self) else {
            throw InputMuxError(.protocolViolation, "the hello reply lacks identity or desktop: \(r); is inputmuxd the same version as this client?")
        }
        protocolVersion = r["protocol"].int ?? 1
        self.identity = identity
        self.desktop = desktop
        pointerDevice = r["devices"]["pointer"].string ?? ""
        keyboardDevice = r["devices"]["keyboard"].string ?? ""
        maxTextLength = r["limits"]["max_text_length"].int
        maxPathPoints = r["limits"]["max_path_points"].int
        if r["seat"]["mode"].string == "own" {
            seat = .own(name: r["seat"]["name"].string ?? "")
        } else {
            seat = .shared(reason: r["seat"]["reason"].string ?? "the daemon does not say (an older inputmuxd)")
        }
    }

    /// A `desktop` event: the new desktop, and the device nodes that replaced the old ones.
    mutating func adopt(desktop r: Region, devices: JSON) {
        desktop = r
        pointerDevice = devices["pointer"].string ?? pointerDevice
        keyboardDevice = devices["keyboard"].string ?? keyboardDevice
    }
}
