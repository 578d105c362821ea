/// An agent session (one connection on the agent socket).
public struct SessionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (a: SessionID, b: SessionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "\(rawValue)" }
}

/// A lease, printed `L12`.
public struct LeaseID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: LeaseID, b: LeaseID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "L\(rawValue)" }
}

/// A client-chosen request id, echoed in replies.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}

/// Who an agent session is: the declared name and session id, plus what the kernel
/// says about the peer (SO_PEERCRED and /proc/PID/exe). The engine trusts this as given;
/// the daemon fills it from the kernel, never from the client's claims alone.
public struct AgentIdentity: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var session: SessionID
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    public var exe: String
    /// How the daemon read `exe` (`nil`: not said, as in tests of the engine alone).
    public var exeSource: ExeSource?

    public init(name: String, session: SessionID, uid: UInt32 = 0, gid: UInt32 = 0, pid: Int32 = 0, exe: String = "",
                exeSource: ExeSource? = nil) {
        self.name = name; self.session = session; self.uid = uid; self.gid = gid; self.pid = pid; self.exe = exe
        self.exeSource = exeSource
    }

    /// `"A"#3`, the form used in reasons.
    public var description: String { "\"\(name)\"#\(session.rawValue)" }
}

/// How the daemon read a peer's executable.
public enum ExeSource: String, Hashable, Sendable {
    /// Checked against the peer's pidfd (SO_PEERPIDFD): the process that connected was
    /// still alive after `/proc/PID/exe` was read (empty when it had already exited).
    case pidfd
    /// By pid after accept, on a kernel without SO_PEERPIDFD: the peer may have exec'd,
    /// or exited and had its pid reused, in between.
    case late
}

/// What a session may do beyond leasing for itself.
public struct Rights: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let agent = Rights(rawValue: 1)
    /// Pause, revoke and reassign other sessions' leases (an orchestrator).
    public static let supervise = Rights(rawValue: 2)
    /// See what its own leases show (`capture`, DESIGN §5b); on unless policy says
    /// `capture = false`.
    public static let capture = Rights(rawValue: 4)
}

/// The virtual device a frame is written to.
public enum DeviceRef: Hashable, Sendable, CustomStringConvertible {
    case agentPointer(SessionID)
    case agentKeyboard(SessionID)
    /// The clone of a grabbed physical device.
    case passthrough(UInt32)

    public var session: SessionID? {
        switch self {
        case .agentPointer(let s), .agentKeyboard(let s): s
        case .passthrough: nil
        }
    }

    public var description: String {
        switch self {
        case .agentPointer(let s): "pointer#\(s)"
        case .agentKeyboard(let s): "keyboard#\(s)"
        case .passthrough(let d): "passthrough\(d)"
        }
    }
}
