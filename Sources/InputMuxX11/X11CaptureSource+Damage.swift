import CX11
import CXdamage
import Glibc
import InputMuxCore
import InputMuxSight
import struct InputMuxCore.Region

extension X11CaptureSource {
    /// Follows `target`'s changes: the screen's are followed from the start (damage on the
    /// root window covers every window on it, whichever client draws); a window's from
    /// now on, and the window is redirected so its covered parts are kept.
    public func watch(_ target: CaptureTarget) throws(CaptureError) {
        if case .window(let id, _) = target { try watchWindow(id) }
    }

    /// Reads every damage report already received, stamping each with `now`: the time
    /// it was read, never earlier than the change, so a settle can only wait longer.
    ///
    /// Damage is asked for as raw rectangles: every drawing is reported, whatever was
    /// reported before, so nothing is lost between two calls.
    public func service(now: Instant) {
        readReports()
        for (damage, rect) in unstamped {
            if damage == rootDamage {
                rootHistory.record(rect, at: now)
            } else if let id = windows.first(where: { $0.value.damage == damage })?.key {
                windows[id]?.history.record(rect, at: now)
            }
        }
        unstamped.removeAll(keepingCapacity: true)
    }

    /// True when reports wait in Xlib's queue or here: the connection's descriptor does
    /// not turn readable for them (a capture's round trip may have read them off the
    /// socket), so a caller that polls it must call `service` first, or not sleep.
    public var hasUnreadReports: Bool {
        !unstamped.isEmpty || XEventsQueued(connection.display, QueuedAlready) > 0
    }

    /// Moves every damage report Xlib has, or can read without blocking, to `unstamped`.
    ///
    /// The server still adds each reported rectangle to the damage object's region
    /// (current X.Org servers), which would grow with every drawing: each object that reported
    /// is emptied again. A window gone meanwhile took its object along; the error is
    /// ignored.
    /// The corresponding C functions are `XPending`, `XNextEvent` and `XDamageSubtract`.
    func readReports() {
        let d = connection.display
        let notify = damageEventBase + Int32(XDamageNotify)
        var reported: Set<UInt> = []
        while XPending(d) > 0 {
            var event = XEvent()
            XNextEvent(d, &event)
            guard event.type == notify else { continue }
            let e = withUnsafePointer(to: &event) { $0.withMemoryRebound(to: XDamageNotifyEvent.self, capacity: 1) { $0.pointee } }
            unstamped.append((e.damage, Region(x: Int32(e.area.x), y: Int32(e.area.y), width: Int32(e.area.width), height: Int32(e.area.height))))
            reported.insert(e.damage)
        }
        guard !reported.isEmpty else { return }
        for damage in reported { XDamageSubtract(d, damage, 0, 0) }
        XFlush(d)
    }

    /// The latest instant `target` changed, from the reports `service` read. A window
    /// not watched is answered from the screen's damage over where it lies now.
    public func lastChange(in target: CaptureTarget) -> Instant? {
        switch target {
        case .screen(let rect):
            return rootHistory.lastChange(in: rect)
        case .window(let id, let rect):
            if let watched = windows[id] { return watched.history.lastChange(in: rect) }
            guard let w = connection.window(id) else { return nil }
            return rootHistory.lastChange(in: Region(x: w.geometry.x + rect.x, y: w.geometry.y + rect.y,
                                                     width: rect.width, height: rect.height))
        }
    }

    /// Waits until `settle` decides to capture `target`: reads damage, asks `settle`
    /// (the decision is its, from instants only), and sleeps on the connection until
    /// the decision's time or the next report, whichever comes first. Returns whether
    /// the area settled (false: the maximum ran out first) and how long this waited.
    /// The corresponding C function is `poll`.
    public func awaitSettled(_ target: CaptureTarget, settle: Settle, clock: () -> Instant) -> (settled: Bool, waited: Duration) {
        if case .window(let id, _) = target { try? watchWindow(id) }
        let start = clock()
        var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let now = clock()
            // Drains Xlib's queue as well as the socket: an event already queued would
            // not make the socket readable.
            service(now: now)
            switch settle.decide(now: now, lastChange: lastChange(in: target)) {
            case .capture(let settled):
                return (settled, clock() - start)
            case .wait(let until):
                let left = until - now
                // Rounded up: waking a millisecond early would only spin once more.
                let ms = Int32(clamping: (left.nanosecondCount + 999_999) / 1_000_000)
                // A signal (EINTR) ends the wait early: the loop decides again.
                if poll(&pfd, 1, max(0, ms)) < 0, errno != EINTR {
                    return (false, clock() - start)  // the connection is broken: capture what is there
                }
            }
        }
    }
}
