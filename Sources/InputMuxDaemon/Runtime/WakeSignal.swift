import CInputMuxSys
import Glibc
import Synchronization

/// An eventfd one thread writes to wake another's poll loop (new physical input,
/// shutdown). Writing never blocks: the counter just grows.
public final class WakeSignal: Sendable {
    public let fd: Int32

    public init() throws(DaemonError) {
        fd = inputmux_eventfd()
        guard fd >= 0 else { throw .system(call: "eventfd", errno: errno) }
    }

    /// The corresponding C function is `eventfd_write`.
    public func signal() {
        _ = inputmux_eventfd_signal(fd)
    }

    /// Resets the counter after a wake-up. The corresponding C function is `eventfd_read`.
    public func consume() {
        _ = inputmux_eventfd_consume(fd)
    }

    deinit { close(fd) }
}

/// A flag one thread raises to stop another's loop (with a `WakeSignal` to interrupt
/// its poll).
public final class StopFlag: Sendable {
    private let raised = Mutex(false)
    public init() {}
    public func raise() { raised.withLock { $0 = true } }
    public var isRaised: Bool { raised.withLock { $0 } }
}
