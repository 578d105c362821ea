import InputMuxCore
import InputMuxLinux
import InputMuxX11
import Logging

/// A seat of its own for each agent session on X11 (DESIGN §5a, docs/SEATS.md): an
/// XInput2 master pointer and keyboard named `inputmux agent NAME#SID`, with its own
/// cursor (labelled with the agent's name) and its own keyboard focus.
///
/// - uinput output: the session's uinput pointer and keyboard are attached to the pair
///   once the X server has added them (udev hotplug); the hello waits for that.
/// - XTest output: the session's frames go in through the pair's own XTEST devices.
///
/// Where the server refuses a pair, or never adds the devices, the session shares the
/// human's seat and the hello says why. At start, pairs a daemon that died left behind
/// are removed. Used on the engine thread only (it writes on the daemon's X connection).
final class AgentSeats: SeatProvider {
    private let display: X11Display
    private let logger: Logger
    /// Frames go in through XTest (`[output] mode = "xtest"`) rather than uinput.
    private let xtest: Bool
    private var seats: [SessionID: X11Seat] = [:]
    /// XTest output: each seat's own XTEST devices.
    private var inputs: [SessionID: X11SeatInput] = [:]
    /// uinput output: devices the server has not added yet, and until when to wait.
    /// `replaced` holds the X ids of the session's devices that new ones replace: they
    /// carry the same names, and stay on the seat until the server removes them.
    private var pending: [SessionID: (devices: [String], replaced: Set<Int32>, deadline: Instant)] = [:]

    /// How long the X server may take to add a session's uinput devices (udev, then the
    /// server's hotplug; seconds under an emulated CPU).
    static let attachTimeout: Duration = .seconds(15)

    init(display: X11Display, xtest: Bool, logger: Logger) {
        self.display = display
        self.xtest = xtest
        self.logger = logger
        do {
            let stale = try display.removeSeats(prefix: X11Seat.agentPrefix)
            if !stale.isEmpty {
                logger.notice("removed agent seats a daemon that stopped left behind", metadata: ["x11.seats": "\(stale)"])
            }
        } catch {
            logger.warning("could not remove agent seats left behind", metadata: ["error": "\(error.description)"])
        }
    }

    /// Makes session `identity`'s seat. With uinput output, `devices` names the session's
    /// uinput pointer and keyboard, which are attached as soon as the server has them.
    func open(_ identity: AgentIdentity, devices: [String], now: Instant) -> SeatOpening {
        let s = identity.session
        let name = X11Seat.agentSeatName(agent: identity.name, session: s.rawValue)
        let seat: X11Seat
        do {
            seat = try display.createSeat(named: name)
        } catch {
            return .settled(.shared(reason: "the X server refused a seat of its own (\(error.description))"))
        }
        seats[s] = seat
        do {
            try display.labelCursor(of: seat, label: "\(identity.name)#\(s.rawValue)", color: X11Seat.cursorColor(session: s.rawValue))
        } catch {
            logger.warning("the agent seat keeps the default cursor", metadata: ["x11.seat": "\(name)", "error": "\(error.description)"])
        }
        if xtest {
            do {
                inputs[s] = try X11SeatInput(display: display, seat: seat)
            } catch {
                close(s, now: now)
                return .settled(.shared(reason: "the seat's XTEST devices could not be opened (\(error.description))"))
            }
            return .settled(.own(name: name))
        }
        pending[s] = (devices, [], now + Self.attachTimeout)
        return attach(s, now: now).map { .settled($0) } ?? .waiting
    }

    /// The session's devices were made anew (the desktop changed): they are attached to
    /// its seat as soon as the server has them. The old ones, of the same names, are still
    /// on the seat until they are removed: those are not the devices waited for.
    func reattach(_ s: SessionID, devices: [String], now: Instant) {
        guard let seat = seats[s], !xtest else { return }
        let old = display.inputDevices().filter {
            !$0.isMaster && devices.contains($0.name) && ($0.attachment == seat.pointer || $0.attachment == seat.keyboard)
        }
        pending[s] = (devices, Set(old.map(\.id)), now + Self.attachTimeout)
        _ = attach(s, now: now)
    }

    /// Attaches the devices the server has added since; returns the sessions whose seat
    /// is settled now (every device attached, or the wait ran out).
    func service(now: Instant) -> [(SessionID, SeatAssignment)] {
        guard !pending.isEmpty else { return [] }
        var settled: [(SessionID, SeatAssignment)] = []
        for s in pending.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            if let a = attach(s, now: now) { settled.append((s, a)) }
        }
        return settled
    }

    /// When `service` must run at the latest (a wait runs out).
    var nextDeadline: Instant? { pending.values.map(\.deadline).min() }

    private func attach(_ s: SessionID, now: Instant) -> SeatAssignment? {
        guard var p = pending[s], let seat = seats[s] else { return nil }
        let all = display.inputDevices()
        var missing: [String] = []
        func onSeat(_ d: X11InputDevice) -> Bool { d.attachment == seat.pointer || d.attachment == seat.keyboard }
        for name in p.devices {
            // A replaced device is on the seat still; a device with its id elsewhere is a
            // new one the server gave the freed id.
            guard let d = all.first(where: { $0.name == name && !$0.isMaster && !(p.replaced.contains($0.id) && onSeat($0)) }) else {
                missing.append(name)
                continue
            }
            if onSeat(d) { continue }
            do {
                try display.attach(device: d.id, to: seat)
                p.replaced.remove(d.id)
                pending[s] = p
            } catch {
                pending[s] = nil
                close(s, now: now)
                return .shared(reason: "the X server would not attach \(name) to a seat of its own (\(error.description))")
            }
        }
        if missing.isEmpty {
            pending[s] = nil
            return .own(name: seat.name)
        }
        guard now >= p.deadline else { return nil }
        pending[s] = nil
        close(s, now: now)
        return .shared(reason: "the X server did not add \(missing.joined(separator: " and ")) within \(Self.attachTimeout)")
    }

    /// Whether the session's frames go through its own seat's XTEST devices.
    func input(of s: SessionID) -> X11SeatInput? { inputs[s] }

    /// Puts the keyboard focus of the session's seat on `target`, and reads it back. A
    /// focus already inside the leased window (a text field the application focused for
    /// this seat) stays where it is.
    func focus(_ s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome {
        guard let seat = seats[s] else { return .refused("the seat is gone") }
        let wanted: X11SeatFocus = switch target {
        case .window(let w): .window(w)
        case .underPointer: .pointerRoot
        }
        let unmapped = SeatFocusOutcome.refused("it is unmapped or gone; wait for it to be shown, or acquire another window")
        do {
            if case .window(let w) = target, case .window(let f) = try display.focus(of: seat), display.window(f, isWithin: w),
               display.window(f)?.mapped == true {
                return .taken
            }
            try display.setFocus(of: seat, to: wanted)
            return try display.focus(of: seat) == wanted ? .taken : unmapped
        } catch {
            logger.info("an agent seat's focus was not taken", metadata: ["x11.seat": "\(seat.name)", "error": "\(error.description)"])
            return unmapped
        }
    }

    func focusHolds(_ s: SessionID, on target: SeatFocusTarget) -> Bool {
        guard let seat = seats[s], let now = try? display.focus(of: seat) else { return false }
        switch (target, now) {
        case (.underPointer, .pointerRoot): return true
        case (.window(let w), .window(let f)): return f == w || display.window(f, isWithin: w)
        default: return false
        }
    }

    /// The session ended: what its XTEST devices hold is released, and its pair removed
    /// (the server releases whatever the pair's other slaves still held, and they float).
    func close(_ s: SessionID, now: Instant) {
        pending[s] = nil
        if let input = inputs.removeValue(forKey: s) {
            try? input.releaseAll(at: now)
            input.close()
        }
        guard let seat = seats.removeValue(forKey: s) else { return }
        do {
            try display.removeSeat(seat)
        } catch {
            logger.warning("could not remove an agent seat", metadata: ["x11.seat": "\(seat.name)", "error": "\(error.description)"])
        }
    }

    /// Every seat goes (the daemon stops).
    func closeAll(now: Instant) {
        for s in Array(seats.keys) { close(s, now: now) }
    }
}
