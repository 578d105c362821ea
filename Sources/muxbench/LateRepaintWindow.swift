import CX11
import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux

/// An app that answers a click late: a window that, `delay` after each ButtonPress in
/// it, repaints itself wholly in the next of its colours. Its own X connection and
/// thread; `repaints` records (time, colour) of each repaint the server has done.
final class LateRepaintWindow: @unchecked Sendable {
    // @unchecked: `lock` guards `repaints` and `stopping`; the X connection is the thread's.
    static let colours: [UInt32] = [0xE03020, 0x20C040]
    let window: UInt
    let delay: Duration
    private let display: OpaquePointer
    private let lock = NSLock()
    private var repaintLog: [(Instant, UInt32)] = []
    private var stopping = false
    private var thread: Thread?

    init(display name: String, x: Int32, y: Int32, width: UInt32, height: UInt32, delay: Duration) throws {
        guard let d = XOpenDisplay(name) else { throw BenchError("cannot open X display \(name)") }
        display = d
        self.delay = delay
        window = XCreateSimpleWindow(d, XDefaultRootWindow(d), x, y, width, height, 0, 0, UInt(Self.colours[0]))
        var attributes = XSetWindowAttributes()
        attributes.override_redirect = 1
        XChangeWindowAttributes(d, window, UInt(CWOverrideRedirect), &attributes)
        XSelectInput(d, window, ButtonPressMask | StructureNotifyMask | ExposureMask)
        XMapWindow(d, window)
        XSync(d, 0)
    }

    var repaints: [(Instant, UInt32)] { lock.lock(); defer { lock.unlock() }; return repaintLog }

    func start() {
        let t = Thread { [self] in run() }
        thread = t
        t.start()
    }

    /// Stops the thread and waits until it has closed its connection (before the X
    /// server goes: Xlib ends the process when its server vanishes under a connection).
    func stop() {
        lock.lock(); stopping = true; lock.unlock()
        stopped.wait()
    }
    private let stopped = DispatchSemaphore(value: 0)

    private func run() {
        var colour = 0
        var due: [Instant] = []
        while true {
            lock.lock(); let stop = stopping; lock.unlock()
            if stop { break }
            while XPending(display) > 0 {
                var e = XEvent()
                XNextEvent(display, &e)
                if e.type == ButtonPress { due.append(MonotonicClock.now() + delay) }
            }
            let now = MonotonicClock.now()
            while let first = due.first, first <= now {
                due.removeFirst()
                colour = (colour + 1) % Self.colours.count
                XSetWindowBackground(display, window, UInt(Self.colours[colour]))
                XClearWindow(display, window)
                XSync(display, 0)
                lock.lock(); repaintLog.append((MonotonicClock.now(), Self.colours[colour])); lock.unlock()
            }
            var pfd = pollfd(fd: XConnectionNumber(display), events: Int16(POLLIN), revents: 0)
            let wait = due.first.map { max(0, ($0 - MonotonicClock.now()).nanosecondCount / 1_000_000) } ?? 20
            _ = poll(&pfd, 1, Int32(min(wait, 20)))
        }
        XCloseDisplay(display)
        stopped.signal()
    }
}
