import InputMuxCore
import InputMuxSight
import struct InputMuxCore.Region

extension WaylandCaptureSource {
    /// Screen changes are followed from the start (every output's damage). A window's
    /// own contents cannot be shown, so there is nothing of it to follow: refused as
    /// `capture` refuses it.
    public func watch(_ target: CaptureTarget) throws(CaptureError) {
        if case .window(let id, _) = target { throw .windowContentsUnsupported(id, source: "wlr-screencopy") }
    }

    /// Reads every damage report the socket already holds and stamps each with `now`:
    /// the time it was read, never earlier than the change, so a settle can only wait
    /// longer. Then re-arms a watch whose frame failed, and sends the re-armed frames.
    public func service(now: Instant) {
        try? connection.readAvailable()
        for (name, watch) in watches {
            if watch.output.isGone { watches.removeValue(forKey: name) } else { watch.rearmIfIdle() }
        }
        connection.flush()
        for rect in unstamped { history.record(rect, at: now) }
        unstamped.removeAll(keepingCapacity: true)
    }

    /// True when reports wait that the socket will not announce: read during a capture's
    /// dispatching, or read off the socket and not yet dispatched.
    public var hasUnreadReports: Bool { !unstamped.isEmpty || connection.hasQueuedEvents }

    /// The latest instant anything in the rectangle changed; a window has no answer
    /// (its contents are not shown here).
    public func lastChange(in target: CaptureTarget) -> Instant? {
        switch target {
        case .screen(let rect): history.lastChange(in: rect)
        case .window: nil
        }
    }
}
