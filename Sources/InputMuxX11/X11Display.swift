import CX11
import CXi
import CXrandr
import CXtst
import Glibc
import InputMuxCore
import Synchronization

/// The X error the last request caused, set by the process-wide error handler.
/// Xlib's default handler exits the process on any error, and a window can vanish
/// between two requests at any time, so errors are recorded and checked instead.
private let lastErrorCode = Atomic<UInt8>(0)

/// One connection to an X server.
///
/// Threading: Xlib is not thread safe and the adapter does not call `XInitThreads`.
/// A connection has one owner thread: it is opened, used and closed there and nowhere
/// else (the daemon's engine thread owns its connection; a test owns its own). The type
/// is deliberately not `Sendable`.
public final class X11Display {
    let display: OpaquePointer
    public let root: UInt
    public let name: String
    let atoms: Atoms
    /// XInputExtension's major opcode (generic events carry it).
    let xiOpcode: Int32
    /// RandR's first event number.
    let randrEventBase: Int32
    /// What `XTestInjector` sent and the raw-event watch has not seen back yet.
    public internal(set) var ledger = InjectionLedger()

    struct Atoms {
        var netActiveWindow: Atom
        var netWMName: Atom
        var netWMPID: Atom
        var utf8String: Atom
    }

    /// Opens `display` (nil: `$DISPLAY`) with the cookie in `xauthority` (nil: Xlib's
    /// default, `$XAUTHORITY` or `~/.Xauthority`).
    ///
    /// Xlib reads the cookie file's name only from the environment, so `xauthority` is
    /// set into `XAUTHORITY` before opening; call this before other threads run.
    public init(display: String?, xauthority: String?) throws(X11Error) {
        if let a = xauthority { setenv("XAUTHORITY", a, 1) }
        XSetErrorHandler { _, event in
            lastErrorCode.store(event?.pointee.error_code ?? 1, ordering: .relaxed)
            return 0
        }
        let shown = display ?? getenv("DISPLAY").map { String(cString: $0) } ?? ""
        guard let d = XOpenDisplay(display) else {
            throw .displayUnreachable(display: shown, xauthority: xauthority ?? getenv("XAUTHORITY").map { String(cString: $0) })
        }
        self.display = d
        self.name = shown
        root = XDefaultRootWindow(d)
        atoms = Atoms(netActiveWindow: XInternAtom(d, "_NET_ACTIVE_WINDOW", 0),
                      netWMName: XInternAtom(d, "_NET_WM_NAME", 0),
                      netWMPID: XInternAtom(d, "_NET_WM_PID", 0),
                      utf8String: XInternAtom(d, "UTF8_STRING", 0))
        var ev: Int32 = 0, err: Int32 = 0, major: Int32 = 0, minor: Int32 = 0
        guard XTestQueryExtension(d, &ev, &err, &major, &minor) != 0 else { XCloseDisplay(d); throw .missingExtension("XTEST") }
        var opcode: Int32 = 0
        guard XQueryExtension(d, "XInputExtension", &opcode, &ev, &err) != 0 else {
            XCloseDisplay(d); throw .missingExtension("XInputExtension")
        }
        major = 2; minor = 2
        guard XIQueryVersion(d, &major, &minor) == Success else { XCloseDisplay(d); throw .missingExtension("XInput 2.2") }
        xiOpcode = opcode
        guard XRRQueryExtension(d, &ev, &err) != 0 else { XCloseDisplay(d); throw .missingExtension("RANDR") }
        randrEventBase = ev
    }

    deinit { XCloseDisplay(display) }

    /// The connection's socket, to poll for readable events.
    public var fileDescriptor: Int32 { XConnectionNumber(display) }

    /// Sends buffered requests.
    public func flush() { XFlush(display) }

    /// Waits until the server processed everything sent so far.
    public func sync() { XSync(display, 0) }

    /// Runs `body` and reports whether the server answered any of its requests with an error.
    func checked<T>(_ body: () -> T) -> (T, failed: Bool) {
        XSync(display, 0)
        lastErrorCode.store(0, ordering: .relaxed)
        let r = body()
        XSync(display, 0)
        return (r, lastErrorCode.exchange(0, ordering: .relaxed) != 0)
    }

    /// Events already read or readable without blocking.
    var pendingEvents: Int32 { XPending(display) }

    /// The next event; call only when `pendingEvents > 0`.
    func nextEvent() -> XEvent {
        var e = XEvent()
        XNextEvent(display, &e)
        return e
    }
}
