import Glibc
import InputMuxCore

extension CaptureSource {
    /// Waits on this thread until `settle` decides to capture `target`: reads reports,
    /// asks `settle` (the decision is its, from instants only), and sleeps on the
    /// source's descriptor until the decision's time or the next report. Returns whether
    /// the area settled (false: the maximum ran out first) and how long this waited.
    /// The daemon's capture thread does the same for many captures at once; this is one
    /// capture's wait, for tools and tests.
    /// The corresponding C function is `poll`.
    public func waitUntilSettled(_ target: CaptureTarget, settle: Settle, clock: () -> Instant) -> (settled: Bool, waited: Duration) {
        let start = clock()
        while true {
            let now = clock()
            service(now: now)
            switch settle.decide(now: now, lastChange: lastChange(in: target)) {
            case .capture(let settled):
                return (settled, clock() - start)
            case .wait(let until):
                if hasUnreadReports { continue }
                let ms = Int32(clamping: ((until - now).nanosecondCount + 999_999) / 1_000_000)
                var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
                // A signal (EINTR) ends the wait early: the loop decides again. A source
                // that lost its display gives -1, which poll skips: the time still passes.
                _ = poll(&pfd, 1, max(0, ms))
            }
        }
    }
}
