import InputMuxCore
import InputMuxLinux
import InputMuxX11
import Logging

/// The X11 adapter as the engine loop sees it (DESIGN §8): it turns what the X server
/// says (window moves and ends, the layout, other XTest clients' input) into engine
/// inputs, resolves window leases, and reports the real focus before each key gesture.
///
/// Threading: it owns the daemon's X connection, which is used on the engine thread
/// only (Xlib is not thread safe; the connection is opened before that thread starts
/// and never touched elsewhere afterwards).
final class X11Bridge: WindowSystem {
    let display: X11Display
    private let watch: X11Watch
    private let logger: Logger
    /// Seats of their own (XInput2 master pairs), when `[x11] seats`.
    let agentSeats: AgentSeats?
    var seats: (any SeatProvider)? { agentSeats }
    var seatsOffReason: String { "seats of their own are off ([x11] seats = false)" }
    var description: String { "the X11 adapter on \(display.name)" }
    /// Input other XTest clients injected: what `status` shows as `foreign_input`.
    private(set) var foreignCount = 0
    private(set) var lastForeign: (time: Instant, what: ForeignInjection)?

    /// `seats`: give each session a seat of its own; `xtest`: sessions' frames go in
    /// through XTest rather than uinput.
    init(display: X11Display, seats: Bool, xtest: Bool, logger: Logger) {
        self.display = display
        self.logger = logger
        watch = X11Watch(display: display, clock: { MonotonicClock.now() })
        // Made now, before the daemon's sockets exist: seats a dead daemon left are gone
        // by the time anyone can connect.
        agentSeats = seats ? AgentSeats(display: display, xtest: xtest, logger: logger) : nil
    }

    /// The connection's socket, for the engine loop's poll.
    var fileDescriptor: Int32 { display.fileDescriptor }

    /// Everything the server reported since the last call, as engine inputs. Call it on
    /// every loop turn before sleeping: Xlib may already hold events it read.
    func service() -> [EngineInput] {
        var inputs: [EngineInput] = []
        for change in watch.pump() {
            switch change {
            case .window(let w, let info):
                inputs.append(.windowGeometry(w, info?.geometry))
            case .desktop(let r):
                logger.notice("the X desktop layout changed", metadata: ["x11.desktop": "\(r)"])
                inputs.append(.desktop(r))
            case .foreign(let f):
                foreignCount += 1
                lastForeign = (MonotonicClock.now(), f)
                inputs.append(.foreignInput(ForeignInput(description: f.description, position: f.position, touch: f.touch)))
            }
        }
        return inputs
    }

    /// Fills in a window lease (the window's id and geometry, and follows it from now on),
    /// and before a key gesture reports where the focus really is.
    func prepare(_ request: AgentRequest, window: WindowMatch?) throws(Rejection) -> (AgentRequest, [EngineInput]) {
        switch request {
        case .acquire(var lease):
            guard let match = window else { return (request, []) }
            let found: X11Window
            do {
                found = try display.find(match)
            } catch {
                throw Rejection(.noSuchWindow, "lease refused: \(error.description)")
            }
            watch.track(found.id)
            lease.resources.area = .window(found.id, geometry: found.geometry)
            return (.acquire(lease), [])
        case .gesture(let g) where g.needsFocus:
            let f = display.focus(leased: watch.trackedWindows)
            return (request, [.focusedWindow(f.window, f.geometry)])
        default:
            return (request, [])
        }
    }

    /// While a key gesture runs, where the focus is now, at most every `focusPollInterval`:
    /// a focus that moved mid-gesture (a dialog, a window manager, the human's window)
    /// stops the gesture in the engine before its remaining keys are written there.
    func focusWhileKeysRun(_ running: Bool, now: Instant) -> EngineInput? {
        guard running else { lastFocusPoll = nil; return nil }
        if let last = lastFocusPoll, now < last + Self.focusPollInterval { return nil }
        lastFocusPoll = now
        let f = display.focus(leased: watch.trackedWindows)
        return .focusedWindow(f.window, f.geometry)
    }

    static let focusPollInterval: Duration = .milliseconds(10)
    /// The human's seat (the server's virtual core devices, which never change).
    private var coreSeat: X11Seat?

    /// Where the human's pointer and focus are now (the core seat's), asked after the
    /// human clicked or typed: what `[human] pause = "touched"` checks that input against.
    func whereTheHumanIs() -> [EngineInput] {
        var inputs: [EngineInput] = []
        if coreSeat == nil { coreSeat = display.coreSeat() }
        if let core = coreSeat, let p = try? display.pointer(of: core) { inputs.append(.humanPointer(p.position)) }
        let f = display.focus(leased: watch.trackedWindows)
        inputs.append(.focusedWindow(f.window, f.geometry))
        return inputs
    }
    private var lastFocusPoll: Instant?

    /// Stops following windows no live lease follows any more (released, revoked,
    /// expired, refused, or their session ended), so a later focus query or geometry
    /// change never resolves to a window of a dead lease. Call it after every engine input.
    func forgetUnleasedWindows(_ leases: LeaseTable) {
        watch.untrack { leases.follows($0) }
    }

    /// What `status` shows about other XTest clients.
    func operatorStatus() -> JSONValue? { foreignStatus() }

    func foreignStatus() -> JSONValue {
        WireEncoding.foreignInput(count: foreignCount, last: lastForeign.map { ($0.time, $0.what.description, $0.what.position) })
    }
}
