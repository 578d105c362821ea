import Glibc
import InputMuxCore

/// The daemon's clock: `CLOCK_MONOTONIC`, the clock the kernel stamps input events with
/// (after `EVIOCSCLOCKID`) and the one that does not jump when the wall clock is set.
public enum MonotonicClock {
    /// The current instant.
    ///
    /// The corresponding C function is `clock_gettime(CLOCK_MONOTONIC, …)`.
    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// Sleeps the calling thread; for the short bounded waits of device set-up, never the hot path.
    ///
    /// The corresponding C function is `nanosleep`.
    public static func sleep(_ d: Duration) {
        let ns = max(0, d.nanosecondCount)
        var req = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        var rem = timespec()
        while nanosleep(&req, &rem) == -1 && errno == EINTR { req = rem }
    }
}
