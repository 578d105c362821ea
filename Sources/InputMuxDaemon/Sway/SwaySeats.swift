import InputMuxCore
import InputMuxLinux
import InputMuxSway
import Logging

/// A seat of its own for each agent session on sway (DESIGN §5a, docs/WAYLAND.md): a
/// named seat `inputmux-NAME-SID` holding the session's uinput pointer and keyboard, with
/// its own cursor and its own keyboard focus.
///
/// - The session's devices reach sway through libinput like any other, first on the
///   fallback seat (`seat0`); once `GET_INPUTS` lists them they are attached to the
///   session's seat (`seat NAME attach IDENTIFIER`), and the hello waits until
///   `GET_SEATS` shows them there. The attachment is configuration by identifier, so the
///   devices a desktop change makes anew (same names) join the same seat by themselves.
/// - Focus: sway 1.7 focuses a window for a named seat only by that seat's click. Before
///   keys, a window lease's seat clicks the window's title bar (sway handles that click;
///   the client never gets it), and the seat's focus is read back from `GET_SEATS`. A
///   window without a title bar takes the seat's focus only from the agent's own click.
/// - A new window takes the focus of every seat: keys running then stop with
///   `focus_elsewhere` (`focusHolds`), and the next key gesture focuses again.
/// - sway cannot remove a seat: a session's seat is left without devices when the session
///   ends (its cursor hidden), and the name is never reused.
///
/// Used on the engine thread only, on the adapter's query connection.
final class SwaySeats: SeatProvider {
    private let sway: SwayConnection
    private let logger: Logger
    private var seats: [SessionID: String] = [:]
    /// Sessions whose seat is not ready yet: their devices, until when to wait for them,
    /// and when they were seen on the seat (with sway's identifiers for them).
    private var pending: [SessionID: (devices: [String], deadline: Instant, onSeat: (at: Instant, inputs: Set<String>)?)] = [:]
    private var lastPoll: Instant?
    /// How many times sway reported window or workspace events (`windowSystemChanged`).
    private var news = 0
    /// Where each seat's focus was last seen to hold, at which `news`, and when.
    private var confirmed: [SessionID: (target: SeatFocusTarget, news: Int, at: Instant)] = [:]

    /// How long sway may take to add a session's uinput devices (udev, then libinput;
    /// about a second under an emulated CPU).
    static let attachTimeout: Duration = .seconds(15)
    /// How often `GET_INPUTS` is read while a session waits for its devices.
    static let pollInterval: Duration = .milliseconds(50)
    /// How long the seat waits, once its devices are on it, before it is used: Wayland
    /// clients bind a new seat's keyboard asynchronously (a global, then the
    /// capabilities). sway tells the focused window the keyboard entered when the device
    /// joins the seat, before any client has bound it, and wlroots does not repeat that to
    /// a keyboard bound later; a click on the same window does not repeat it either (the
    /// focus does not change). So after this wait the devices are attached once more,
    /// which makes sway enter the focused window again, now with the client's keyboard
    /// bound. Without it the guest lost every key of an agent that clicked into the window
    /// its seat already focused.
    static let clientGrace: Duration = .milliseconds(500)
    static let prefix = "inputmux-"
    /// While keys run, a seat's focus is read again at once after sway reported a window
    /// or workspace event (a new window, one closed, a focus change: what moves a named
    /// seat's focus), and otherwise at least this often. Reading `GET_SEATS` for every
    /// typing seat every 10 ms cost as much CPU as the typing itself on the guest's
    /// emulated cores (three seats typing took 1.61x the time of one).
    static let recheckInterval: Duration = .milliseconds(100)

    init(sway: SwayConnection, logger: Logger) {
        self.sway = sway
        self.logger = logger
    }

    /// The seat's name: `inputmux-NAME-SID`, with what sway's command parser or a seat
    /// name would not take replaced by `_`.
    static func seatName(agent: String, session: UInt32) -> String {
        let safe = String(agent.unicodeScalars.prefix(32).map { s -> Character in
            s.isASCII && (s.properties.isAlphabetic || s.properties.numericType != nil || s == "_") ? Character(s) : "_"
        })
        return "\(prefix)\(safe)-\(session)"
    }

    func open(_ identity: AgentIdentity, devices: [String], now: Instant) -> SeatOpening {
        guard !devices.isEmpty else {
            return .settled(.shared(reason: "a seat of its own on sway holds the session's uinput devices, and it has none"))
        }
        let s = identity.session
        seats[s] = Self.seatName(agent: identity.name, session: s.rawValue)
        pending[s] = (devices, now + Self.attachTimeout, nil)
        return attach(s, now: now).map { .settled($0) } ?? .waiting
    }

    func reattach(_ s: SessionID, devices: [String], now: Instant) {
        guard seats[s] != nil else { return }
        pending[s] = (devices, now + Self.attachTimeout, nil)
        _ = attach(s, now: now)
    }

    func service(now: Instant) -> [(SessionID, SeatAssignment)] {
        guard !pending.isEmpty else { return [] }
        if let last = lastPoll, now < last + Self.pollInterval, !pending.values.contains(where: { now >= $0.deadline }) { return [] }
        lastPoll = now
        var settled: [(SessionID, SeatAssignment)] = []
        for s in pending.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            if let a = attach(s, now: now) { settled.append((s, a)) }
        }
        return settled
    }

    var nextDeadline: Instant? {
        guard let wait = pending.values.map({ $0.onSeat.map { $0.at + Self.clientGrace } ?? $0.deadline }).min() else { return nil }
        return lastPoll.map { min(wait, $0 + Self.pollInterval) } ?? wait
    }

    /// Attaches the session's devices sway lists now; the seat is settled when `GET_SEATS`
    /// shows every one of them on it, or when the wait runs out (then it is shared).
    private func attach(_ s: SessionID, now: Instant) -> SeatAssignment? {
        guard var p = pending[s], let name = seats[s] else { return nil }
        do throws(SwayError) {
            if let held = p.onSeat {
                guard now >= held.at + Self.clientGrace else { return nil }
                for id in held.inputs.sorted() { try sway.attach(seat: name, input: id) }
                pending[s] = nil
                return .own(name: name)
            }
            let inputs = try sway.inputs()
            var identifiers: Set<String> = []
            var missing: [String] = []
            for device in p.devices {
                let found = inputs.filter { $0.name == device }.map(\.identifier)
                if found.isEmpty { missing.append(device) } else { identifiers.formUnion(found) }
            }
            if missing.isEmpty {
                let on = Set(try sway.seat(named: name)?.devices.map(\.identifier) ?? [])
                for id in identifiers.subtracting(on).sorted() { try sway.attach(seat: name, input: id) }
                let held = Set(try sway.seat(named: name)?.devices.map(\.identifier) ?? [])
                if identifiers.isSubset(of: held) {
                    logger.info("agent seat holds its devices", metadata: ["sway.seat": "\(name)", "sway.inputs": "\(identifiers.sorted())"])
                    p.onSeat = (now, identifiers)
                    pending[s] = p
                    return nil
                }
            }
            guard now >= p.deadline else { return nil }
            drop(s)
            let what = missing.isEmpty ? "put \(p.devices.joined(separator: " and ")) on seat \(name)" : "add \(missing.joined(separator: " and "))"
            return .shared(reason: "sway did not \(what) within \(Self.attachTimeout)")
        } catch {
            drop(s)
            return .shared(reason: "sway's IPC failed while making a seat of its own (\(error.description))")
        }
    }

    private func drop(_ s: SessionID) {
        pending[s] = nil
        confirmed[s] = nil
        seats[s] = nil
    }

    func focus(_ s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome {
        guard let name = seats[s] else { return .refused("the seat is gone") }
        let outcome = SwaySeatFocus(sway: sway, seat: name, logger: logger).take(target)
        confirmed[s] = outcome == .taken ? (target, news, MonotonicClock.now()) : nil
        return outcome
    }

    func focusHolds(_ s: SessionID, on target: SeatFocusTarget) -> Bool {
        guard let name = seats[s] else { return false }
        let now = MonotonicClock.now()
        if let c = confirmed[s], c.target == target, c.news == news, now < c.at + Self.recheckInterval { return true }
        let holds = SwaySeatFocus(sway: sway, seat: name, logger: logger).holds(target)
        confirmed[s] = holds ? (target, news, now) : nil
        return holds
    }

    /// sway reported window or workspace events: every seat's focus is read anew.
    func windowSystemChanged() { news &+= 1 }

    /// sway keeps the seat (it has no command to remove one); once the session's devices
    /// are destroyed it holds nothing and its cursor is hidden.
    func close(_ s: SessionID, now: Instant) {
        drop(s)
    }

    func closeAll(now: Instant) {
        for s in Array(seats.keys) { close(s, now: now) }
    }
}
