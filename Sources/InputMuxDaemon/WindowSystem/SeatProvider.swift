import InputMuxCore

/// A window system's seats of their own for agent sessions (DESIGN §5a): a cursor and a
/// keyboard focus per session (XInput2 master pairs on X11). Used on the engine thread.
protocol SeatProvider: AnyObject {
    /// Makes session `identity`'s seat. `devices` names the session's uinput pointer and
    /// keyboard (empty when frames do not go through uinput), which join the seat as soon
    /// as the window system has them.
    func open(_ identity: AgentIdentity, devices: [String], now: Instant) -> SeatOpening
    /// The session's devices were made anew (the desktop changed): they join its seat as
    /// soon as the window system has them.
    func reattach(_ s: SessionID, devices: [String], now: Instant)
    /// Seats settled since (every device joined, or the wait ran out).
    func service(now: Instant) -> [(SessionID, SeatAssignment)]
    /// When `service` must run at the latest.
    var nextDeadline: Instant? { get }
    /// Puts the keyboard focus of the session's seat on `target`, and reads it back; a
    /// refusal says why and what the agent can do.
    func focus(_ s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome
    /// Whether the seat's focus is still where `focus` put it (inside the leased window,
    /// or following the seat's pointer): asked while the session's keys run.
    func focusHolds(_ s: SessionID, on target: SeatFocusTarget) -> Bool
    /// The session ended: its seat goes, and nothing it held stays pressed.
    func close(_ s: SessionID, now: Instant)
    /// The daemon stops: every seat goes.
    func closeAll(now: Instant)
}

/// The outcome of `SeatProvider.open`: settled now, or waiting for the window system to
/// add the session's devices.
enum SeatOpening {
    case settled(SeatAssignment)
    case waiting
}
