import InputMuxCore
import InputMuxLinux

/// systemd's watchdog, pinged from the loop at half the interval the unit asks for
/// (WatchdogSec), so a loop that stops turning gets the daemon restarted.
struct Watchdog {
    let interval: Duration?
    private var last: Instant

    init(interval: Duration? = SystemdNotify.watchdogInterval(), now: Instant = MonotonicClock.now()) {
        self.interval = interval
        last = now
    }

    /// When the next ping is due; nil without a watchdog.
    var nextPing: Instant? { interval.map { last + $0 } }

    /// Pings when the interval has passed since the last.
    mutating func pingIfDue(now: Instant = MonotonicClock.now()) {
        guard let interval, now - last >= interval else { return }
        SystemdNotify.watchdog()
        last = now
    }
}
