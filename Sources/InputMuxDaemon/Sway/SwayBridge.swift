import InputMuxCore
import InputMuxLinux
import InputMuxSway
import Logging

/// The sway adapter (`[wayland] compositor = "sway"`, docs/WAYLAND.md): window leases by
/// `con_id`, `app_id`, title or pid that follow their window, the real focus before keys,
/// and the desktop from sway's outputs, all through sway's IPC.
///
/// Two connections: one subscribed to window and workspace events (the loop polls it),
/// one for queries. sway 1.7 sends no event when a floating window is moved by a command
/// and refuses output subscriptions, so the tree is also read before each gesture while
/// leases follow windows, and at most every `refreshInterval` otherwise. sway's windows
/// are named by `con_id`, which is the `WindowID` the engine sees. Used on the engine
/// thread only.
final class SwayBridge: WindowSystem {
    private let queries: SwayConnection
    private let events: SwayConnection
    private let logger: Logger
    /// The windows live leases follow, and where each was last reported.
    private var tracked: [Int64: Region?] = [:]
    private var lastDesktop: Region?
    private var lastFocus: Int64?
    private var lastFocusRect: Region?

    var description: String { "the sway adapter on \(queries.socketPath)" }
    var fileDescriptor: Int32 { events.fileDescriptor }
    /// Seats of their own (`[wayland] seats`), on the query connection.
    let agentSeats: SwaySeats?
    var seats: (any SeatProvider)? { agentSeats }
    var seatsOffReason: String { "[wayland] seats = false: agent sessions share the human's seat" }

    init(socketPath: String, seats: Bool, logger: Logger) throws(SwayError) {
        queries = try SwayConnection(socketPath: socketPath)
        agentSeats = seats ? SwaySeats(sway: queries, logger: logger) : nil
        events = try SwayConnection(socketPath: socketPath)
        // sway 1.7 refuses output subscriptions: a layout change is read with the tree.
        try events.subscribe([.window, .workspace])
        self.logger = logger
        lastDesktop = try queries.desktop()
    }

    /// The desktop now: the bounding box of sway's active outputs.
    func desktop() throws(SwayError) -> Region? { try queries.desktop() }

    func service() -> [EngineInput] {
        var changed = false
        do throws(SwayError) {
            while try events.nextEvent(timeout: .zero) != nil { changed = true }
            if changed { agentSeats?.windowSystemChanged() }
        } catch {
            logger.error("the sway IPC event connection failed", metadata: ["error": "\(error)"])
            return []
        }
        let now = MonotonicClock.now()
        if !changed, !tracked.isEmpty, lastReport.map({ now >= $0 + Self.refreshInterval }) ?? true { changed = true }
        return changed ? report() : []
    }

    /// How often the tree is read while leases follow windows and nothing else happens.
    static let refreshInterval: Duration = .milliseconds(250)
    private var lastReport: Instant?

    /// What changed since the last report: the desktop, the followed windows' geometry
    /// (nil once one is gone), the focus. One tree read answers a burst of events.
    private func report() -> [EngineInput] {
        lastReport = MonotonicClock.now()
        var inputs: [EngineInput] = []
        let tree: SwayTree
        do throws(SwayError) {
            if let d = try queries.desktop(), d != lastDesktop {
                lastDesktop = d
                logger.notice("the sway desktop layout changed", metadata: ["sway.desktop": "\(d)"])
                inputs.append(.desktop(d))
            }
            tree = try queries.tree()
        } catch {
            logger.error("reading sway's tree failed", metadata: ["error": "\(error)"])
            return inputs
        }
        for (con, last) in tracked {
            let now = tree.view(con).map(Self.area)
            guard now != last else { continue }
            tracked[con] = now
            inputs.append(.windowGeometry(Self.window(con), now))
            if now == nil { tracked[con] = nil }
        }
        let focused = tree.focused
        if focused?.conID != lastFocus || focused?.content != lastFocusRect {
            lastFocus = focused?.conID
            lastFocusRect = focused?.content
            inputs.append(.focusedWindow(focused.map { Self.window($0.conID) }, focused?.content))
        }
        return inputs
    }

    func prepare(_ request: AgentRequest, window: WindowMatch?) throws(Rejection) -> (AgentRequest, [EngineInput]) {
        switch request {
        case .acquire(var lease):
            guard let match = window else { return (request, []) }
            let view: SwayView
            do throws(SwayError) {
                view = try queries.tree().find(Self.swayMatch(match))
            } catch {
                throw Rejection(.noSuchWindow, "lease refused: \(error.description)")
            }
            tracked[view.conID] = Self.area(view)
            lease.resources.area = .window(Self.window(view.conID), geometry: Self.area(view))
            return (.acquire(lease), [])
        case .gesture(let g):
            // Where the followed windows are now, and for keys where the focus is.
            var inputs = tracked.isEmpty && !g.needsFocus ? [] : report()
            if g.needsFocus, !inputs.contains(where: { if case .focusedWindow = $0 { true } else { false } }) {
                inputs.append(.focusedWindow(lastFocus.map(Self.window), lastFocusRect))
            }
            return (request, inputs)
        default:
            return (request, [])
        }
    }

    /// sway sends a window event when the focus moves: `service` reports it at once.
    func focusWhileKeysRun(_ running: Bool, now: Instant) -> EngineInput? { nil }

    func forgetUnleasedWindows(_ leases: LeaseTable) {
        for con in tracked.keys where !leases.follows(Self.window(con)) { tracked[con] = nil }
    }

    /// sway's IPC says where the focus is, not where the cursor is: a human click stays
    /// unplaced, and counts against every lease (the human wins when in doubt).
    func whereTheHumanIs() -> [EngineInput] {
        guard let f = try? queries.tree().focused else { return [.focusedWindow(nil, nil)] }
        return [.focusedWindow(Self.window(f.conID), f.content)]
    }

    func operatorStatus() -> JSONValue? { nil }

    static func window(_ con: Int64) -> WindowID { WindowID(UInt64(bitPattern: con)) }

    /// What a window lease covers: the client's own surface (`content`), not sway's
    /// borders and title bar (a press there resizes or moves the window). A window no
    /// output shows (another workspace, the scratchpad, a hidden tab, behind a fullscreen
    /// window) covers nothing: an empty area where its surface was, so nothing an agent
    /// sends reaches whatever is shown there now, and the lease comes back (a `moved`
    /// event) when the window is shown again.
    static func area(_ view: SwayView) -> Region {
        view.visible ? view.content : Region(x: view.content.x, y: view.content.y, width: 0, height: 0)
    }
    static func conID(_ w: WindowID) -> Int64 { Int64(bitPattern: w.rawValue) }

    /// A lease's window as sway names it: `window` is a `con_id`; `window_class` an
    /// `app_id` (or an Xwayland window's class).
    static func swayMatch(_ m: WindowMatch) -> SwayWindowMatch {
        switch m {
        case .id(let raw): .conID(conID(WindowID(raw)))
        case .match(let className, let title, let pid): .match(appID: className, title: title, pid: pid)
        }
    }
}
