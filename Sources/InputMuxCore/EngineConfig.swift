/// Everything the engine is told at start (from `/etc/inputmux/inputmux.toml` via the
/// daemon). Defaults are what docs/DESIGN.md promises when the file says nothing.
public struct EngineConfig: Sendable {
    /// The whole desktop in logical pixels; every lease region must lie inside it.
    public var desktop: Region
    public var pacing: Pacing
    public var keymap: any Keymap
    /// How long agents stay paused after the human's last physical input.
    public var quietPeriod: Duration = .seconds(1)
    /// Lease TTL without heartbeat or activity, when the request names none.
    public var defaultTTL: Duration = .seconds(30)
    /// The longest TTL a request may ask for.
    public var maximumTTL: Duration = .seconds(300)
    /// No lease is held longer than this (fairness); `nil` means no limit.
    public var maximumHold: Duration? = .seconds(3600)
    public var panicChord: PanicChord = .standard
    /// Leases overlapping these wait in pending-approval until `approve`/`deny`.
    public var sensitiveRegions: [Region] = []
    /// How captures showing a sensitive region are treated (DESIGN §5b); a sensitive
    /// region not listed here is `approve`.
    public var sensitiveSight: [SensitiveSight] = []
    /// Per-session rate limit unless the session's policy names another.
    public var rateLimit: RateLimit = .standard
    public var maximumTextLength: Int = 4096
    public var maximumPathPoints: Int = 1024
    /// Events per raw frame, and raw frames per gesture.
    public var maximumFrameEvents: Int = 64
    public var maximumRawFrames: Int = 256
    /// How long a session that left keys or buttons down keeps the seat from others who
    /// wait for it; then what it holds is released.
    public var maximumSeatHold: Duration = .seconds(10)
    /// The longest `wait` or `hold` gesture.
    public var maximumWait: Duration = .seconds(30)
    /// Live leases (held, queued or pending) one session may have at once.
    public var maximumLeasesPerSession: Int = 8
    /// The longest a gesture may keep the seat, from its first frame to its last at the
    /// configured pacing; longer ones are refused when accepted, before anything is sent.
    public var maximumGestureDuration: Duration = .seconds(30)
    /// Refusals of the same session, action and reason within this window after an
    /// audited one are counted, not audited one by one: one record with the count
    /// follows when the window ends. `.zero` audits every refusal.
    public var refusalFoldWindow: Duration = .seconds(1)
    /// A window system (the X11 adapter) reports the real focus (`EngineInput.focusedWindow`):
    /// keys then need the focused window to be the lease's window (or lie inside its
    /// region) instead of click evidence (DESIGN §3.3), checked when a key gesture is
    /// accepted and again when it starts on the seat.
    public var windowSystemFocus = false
    /// Whom the human's input pauses: everyone, or on own seats only the sessions whose
    /// lease the human touches (`HumanPauseScope`).
    public var humanPause: HumanPauseScope = .all
    /// Input another XTest client injected pauses agents like the human's (X11 adapter).
    public var pauseOnForeignInput = false
    /// Key for redacting typed text in audit records (length + keyed hash).
    public var redactionKey: [UInt8] = []
    /// Unix time (ns) at `Instant.zero`, so reasons can say `12:01:07Z`; `nil` prints `t+…`.
    public var wallClockAtZero: Int64?

    public init(desktop: Region, pacing: Pacing = .standard, keymap: any Keymap) {
        self.desktop = desktop
        self.pacing = pacing
        self.keymap = keymap
    }

    /// How reasons print an instant: wall-clock `HH:MM:SS.mmmZ` when known, else `t+…ms`.
    public func describe(_ t: Instant) -> String {
        guard let zero = wallClockAtZero else { return t.description }
        let unixMs = (zero &+ t.nanoseconds) / 1_000_000
        let msOfDay = ((unixMs % 86_400_000) + 86_400_000) % 86_400_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = msOfDay % 1000
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(msOfDay / 3_600_000)):\(two(msOfDay / 60_000 % 60)):\(two(msOfDay / 1000 % 60)).\(msText)Z"
    }
}

/// What policy grants one session (the daemon maps uid/gid to this at connect).
public struct SessionPolicy: Hashable, Sendable {
    public var rights: Rights
    /// Leases must lie inside one of these; `nil` allows the whole desktop.
    public var allowedRegions: [Region]?
    /// Overrides `EngineConfig.rateLimit` for this session.
    public var rateLimit: RateLimit?
    /// Log typed text in clear in the audit log (off by default: redacted).
    public var auditTextInClear: Bool
    /// Machine chords (`MachineKeys.chords`, by name) this session may send anyway.
    public var allowedMachineChords: Set<String> = []

    public init(rights: Rights = [.agent, .capture], allowedRegions: [Region]? = nil, rateLimit: RateLimit? = nil,
                auditTextInClear: Bool = false) {
        self.rights = rights; self.allowedRegions = allowedRegions; self.rateLimit = rateLimit
        self.auditTextInClear = auditTextInClear
    }

    /// An ordinary agent.
    public static let agent = SessionPolicy(rights: [.agent, .capture])
    /// An orchestrator: may pause, revoke and reassign other sessions' leases.
    public static let supervise = SessionPolicy(rights: [.agent, .capture, .supervise])
}
