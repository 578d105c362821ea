import CSystemd

/// Talks to systemd for `Type=notify`: READY once devices are grabbed and sockets
/// listen, WATCHDOG pings from the engine loop (so a stuck loop gets restarted),
/// STOPPING on shutdown. Outside systemd every call is a no-op.
public enum SystemdNotify {
    /// The corresponding C function is `sd_notify`.
    public static func send(_ state: String) {
        _ = sd_notify(0, state)
    }

    public static func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public static func stopping() { send("STOPPING=1") }
    public static func watchdog() { send("WATCHDOG=1") }

    /// Half the interval systemd expects pings at, or nil without a watchdog.
    /// The corresponding C function is `sd_watchdog_enabled`.
    public static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec / 2))
    }
}
