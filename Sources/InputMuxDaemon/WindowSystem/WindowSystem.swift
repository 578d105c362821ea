import InputMuxCore

/// A window-system adapter as the engine loop sees it (DESIGN §8): what the window system
/// says (windows moving and ending, the layout, the focus, input of other clients) as
/// engine inputs, window leases resolved, and seats of their own where it has them. The
/// X11 adapter (`X11Bridge`) is one; a compositor's (sway's IPC) joins by implementing
/// this, and the engine and the gate never see which it is.
///
/// Threading: used on the engine thread only; its connection is opened before that thread
/// starts and never touched elsewhere afterwards.
protocol WindowSystem: AnyObject {
    /// Which adapter and where, for logs and refusals ("the X11 adapter on :0").
    var description: String { get }
    /// The descriptor the engine loop polls for the window system's news.
    var fileDescriptor: Int32 { get }
    /// Everything the window system reported since the last call, as engine inputs. Called
    /// on every loop turn before sleeping.
    func service() -> [EngineInput]
    /// Fills in a window lease (the window and its geometry, followed from now on) and,
    /// before a key gesture on the shared seat, reports where the focus really is.
    func prepare(_ request: AgentRequest, window: WindowMatch?) throws(Rejection) -> (AgentRequest, [EngineInput])
    /// While a key gesture runs on the shared seat, the focus now, at most every few
    /// milliseconds; nil when not due or not running.
    func focusWhileKeysRun(_ running: Bool, now: Instant) -> EngineInput?
    /// Stops following windows no live lease follows any more.
    func forgetUnleasedWindows(_ leases: LeaseTable)
    /// Where the human's pointer and focus are now, after the human clicked or typed
    /// (`[human] pause = "touched"`).
    func whereTheHumanIs() -> [EngineInput]
    /// What the control socket's `status` adds about this window system, if anything.
    func operatorStatus() -> JSONValue?
    /// Seats of their own for agent sessions, where the window system has them and they
    /// are on.
    var seats: (any SeatProvider)? { get }
    /// Why sessions share the human's seat when `seats` is nil.
    var seatsOffReason: String { get }
}
