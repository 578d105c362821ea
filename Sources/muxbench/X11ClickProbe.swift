import CX11
import Glibc
import InputMuxCore
import InputMuxLinux

/// The X client at the end of every measured path: one window that notes when each
/// ButtonPress reaches it (the moment an application would act on the click).
/// Owned by the benchmark's one thread.
final class X11ClickProbe {
    let display: OpaquePointer
    let window: UInt
    private(set) var presses = 0

    init(display name: String) throws {
        guard let d = XOpenDisplay(name) else { throw BenchError("cannot open X display \(name)") }
        display = d
        let root = XDefaultRootWindow(d)
        window = XCreateSimpleWindow(d, root, 0, 0, 400, 400, 0, 0, 0xffffff)
        XSelectInput(d, window, ButtonPressMask | StructureNotifyMask)
        XStoreName(d, window, "inputmux x11 benchmark probe")
        XMapWindow(d, window)
        XFlush(d)
        var mapped = false
        let deadline = MonotonicClock.now() + .seconds(10)
        while !mapped, MonotonicClock.now() < deadline {
            var e = XEvent()
            if XPending(d) > 0 { XNextEvent(d, &e); if e.type == MapNotify { mapped = true } } else { wait(.milliseconds(10)) }
        }
        guard mapped else { throw BenchError("the probe window never mapped") }
    }

    deinit { XCloseDisplay(display) }

    /// Reads what arrived; returns the time of the last ButtonPress read, if any.
    @discardableResult
    func drain() -> Instant? {
        var last: Instant?
        while XPending(display) > 0 {
            var e = XEvent()
            XNextEvent(display, &e)
            if e.type == ButtonPress { presses += 1; last = MonotonicClock.now() }
        }
        return last
    }

    /// Waits for the next ButtonPress (or `timeout`); its arrival time.
    func nextPress(timeout: Duration) -> Instant? {
        let before = presses
        let deadline = MonotonicClock.now() + timeout
        while true {
            let t = drain()
            if presses > before { return t }
            let left = deadline - MonotonicClock.now()
            if left <= .zero { return nil }
            wait(min(left, .milliseconds(50)))
        }
    }

    /// Sleeps until the connection is readable or `d` passes.
    func wait(_ d: Duration) {
        var pfd = pollfd(fd: XConnectionNumber(display), events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, Int32(max(1, d.nanosecondCount / 1_000_000)))
    }
}
