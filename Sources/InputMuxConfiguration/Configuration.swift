import InputMuxCore

/// Everything `/etc/inputmux/inputmux.toml` says, validated. Defaults are what
/// docs/DESIGN.md promises when the file says nothing, so an empty file is a valid one.
public struct Configuration: Sendable {
    public var desktop = Region(x: 0, y: 0, width: 1920, height: 1080)
    public var keymap = KeymapSettings()
    public var pacing = Pacing.standard
    public var quietPeriod: Duration = .seconds(1)
    /// Whom the human's input pauses (`[human] pause`).
    public var humanPause = HumanPauseScope.touched
    public var panicChord = PanicChord.standard
    public var leases = LeaseSettings()
    public var limits = Limits()
    public var sensitiveRegions: [SensitiveRegion] = []
    public var sockets = SocketSettings()
    public var audit = AuditSettings()
    public var output = OutputMode.uinput
    public var x11 = X11Settings()
    public var wayland = WaylandSettings()
    /// Who may connect, as whom, and with what. No rule matching a peer means refusal.
    public var policies: [PolicyRule] = []

    public init() {}

    public struct KeymapSettings: Hashable, Sendable {
        public var layout = "us"
        public var variant = ""
        public var model = "pc105"
        public var options = ""
    }

    public struct LeaseSettings: Hashable, Sendable {
        public var defaultTTL: Duration = .seconds(30)
        public var maximumTTL: Duration = .seconds(300)
        public var maximumHold: Duration? = .seconds(3600)
    }

    public struct Limits: Hashable, Sendable {
        /// Longest wire message (one JSON line) in bytes.
        public var maximumMessageBytes = 64 * 1024
        /// Requests a session may have unanswered at once.
        public var maximumInFlight = 32
        public var maximumTextLength = 4096
        public var maximumPathPoints = 1024
        public var maximumFrameEvents = 64
        public var rate = RateLimit.standard
        /// Bytes queued for a client that does not read before it is disconnected.
        public var maximumOutboundBytes = 1024 * 1024
        /// Malformed messages tolerated from one connection before it is dropped.
        public var maximumProtocolErrors = 64
        /// How long a new connection may stay silent before its hello; then it is closed.
        public var helloTimeout: Duration = .seconds(5)
        /// Connections that have not said hello, at most, on both sockets together; a
        /// new one beyond it closes the oldest of the uid that holds the most.
        public var maximumPendingConnections = 64
        /// Live leases (held, queued or pending) one session may have at once.
        public var maximumLeasesPerSession = 8
        /// The longest one gesture may keep the seat, at the configured pacing.
        public var maximumGestureDuration: Duration = .seconds(30)
    }

    public struct SensitiveRegion: Hashable, Sendable {
        public var name: String
        public var region: Region
        /// How captures that show any of it are treated (DESIGN §5b).
        public var capture: SensitiveCapture = .approve
    }

    public struct SocketSettings: Hashable, Sendable {
        public var agentPath = "/run/inputmux/agent.sock"
        public var controlPath = "/run/inputmux/control.sock"
        public var agentGroup = "inputmux"
        /// Empty: the control socket is root-only (0600).
        public var controlGroup = "inputmux-admin"
    }

    public struct AuditSettings: Hashable, Sendable {
        public var path = "/var/log/inputmux/audit.jsonl"
        /// Rotate when the current file passes this size; the chain continues in the next.
        public var maximumBytes = 16 * 1024 * 1024
        public var keepFiles = 8
        /// Log typed text in clear. Off: length and keyed hash only.
        public var textInClear = false
        /// Where the redaction key lives (created 0600 on first start).
        public var keyPath = "/var/lib/inputmux/audit.key"

        /// The defaults above.
        public init() {}
    }

    /// A Wayland compositor's adapter (DESIGN §8, docs/WAYLAND.md): window leases, the real
    /// focus and the desktop from the compositor, and capture through wlr-screencopy.
    public struct WaylandSettings: Hashable, Sendable {
        /// Which compositor's adapter: `.none` (region leases and the click heuristic only)
        /// or `.sway`.
        public var compositor = Compositor.none
        /// sway's IPC socket; empty: `$SWAYSOCK`, else the live sway of the logged-in user
        /// (`/run/user/UID/sway-ipc.UID.PID.sock`).
        public var socket = ""
        /// The Wayland display socket captures are read from; empty: `wayland-1` next to
        /// the IPC socket (the same runtime directory).
        public var display = ""
        /// Each agent session gets a seat of its own (sway: a named seat holding its
        /// uinput pointer and keyboard: its own cursor and keyboard focus).
        public var seats = true

        public enum Compositor: String, Hashable, Sendable {
            case none = ""
            case sway
        }
    }

    /// The X11 adapter (DESIGN §8): window leases, real focus checks, RandR geometry,
    /// the foreign-injection watch, and the XTest output mode.
    public struct X11Settings: Hashable, Sendable {
        public var enabled = false
        /// The X display; empty means `$DISPLAY`.
        public var display = ""
        /// The cookie file; empty means `$XAUTHORITY` or `~/.Xauthority`.
        public var xauthority = ""
        /// Input another XTest client injects pauses agents like the human's.
        public var pauseOnForeignInput = false
        /// A seat of its own per agent session (an XInput2 master pair, DESIGN §5a).
        public var seats = true
    }

    public enum OutputMode: String, Hashable, Sendable {
        case uinput
        case xtest
    }
}

/// One `[[policy]]` table: which peers it matches and what they get.
public struct PolicyRule: Hashable, Sendable {
    /// The peer matches when every given selector matches (uid, gid, user or group).
    public var uid: UInt32?
    public var gid: UInt32?
    public var user: String?
    public var group: String?
    /// Agent names this peer may declare; `*` matches any run of characters.
    public var names: [String] = ["*"]
    /// Leases must lie inside one of these; empty means the whole desktop.
    public var regions: [Region] = []
    /// `agent` (hold leases), `capture` (see them; on with `agent` unless `capture =
    /// false`), `supervise` (an orchestrator).
    public var rights: Rights = [.agent, .capture]
    public var maximumSessions = 8
    public var rate: RateLimit?
    /// Machine chords (`MachineKeys.chords`, e.g. `ctrl+alt+f2`) this rule's agents may
    /// send anyway (`allow_machine_keys`); machine keys off the agent keyboard never.
    public var allowMachineKeys: Set<String> = []

    public init() {}

    /// Whether `name` is one of the allowed agent names.
    public func allows(name: String) -> Bool {
        names.contains { Glob.matches(pattern: $0, name) }
    }

    /// What the engine enforces for a session this rule admitted.
    public func sessionPolicy(textInClear: Bool) -> SessionPolicy {
        var p = SessionPolicy(rights: rights, allowedRegions: regions.isEmpty ? nil : regions, rateLimit: rate,
                              auditTextInClear: textInClear)
        p.allowedMachineChords = allowMachineKeys
        return p
    }
}

/// Shell-style `*` and `?` matching for agent names.
enum Glob {
    static func matches(pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
