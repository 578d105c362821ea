import InputMuxCore

/// Where the engine's frames for agent devices go (DESIGN §5, §8): per-session uinput
/// devices, or the X server through XTest. Used only on the engine thread.
protocol AgentOutput: AnyObject {
    /// Makes `identity`'s pointer and keyboard ready; returns what the hello reply
    /// lists under `devices` (device nodes, or the X display).
    func create(_ identity: AgentIdentity) throws -> [String: String]
    /// Writes one frame (a `SYN_REPORT` ends it where the output needs one).
    func write(_ frame: Frame, to device: DeviceRef)
    /// The session ended: its devices go (the engine released what they held first).
    func destroy(_ session: SessionID)
    /// Called after each engine input: finishes what `destroy` started, off the hot path.
    func retire()
    /// The daemon is stopping: from now on `retire` finishes before it returns.
    func beginShutdown()
    /// Daemon shutdown: everything goes now.
    func destroyAll()
}
