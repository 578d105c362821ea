import InputMuxWire

/// The InputMux engine: leases, the gate, the seat, human priority and panic, as one
/// value-typed state machine (DESIGN §2–4), built like keyd's keyboard engine.
///
/// It is fed `EngineInput`s stamped with the time they happened and answers through an
/// injected `EngineOutput`: frames to emit, replies, events, audit records and device
/// lifecycle. It reads no clock and does no I/O; when it needs to act later (a frame
/// due, a TTL, the end of a quiet period) it says so in `nextDeadline`, and the caller
/// feeds `.tick` then. The daemon is a thin shell around it; tests drive it with a
/// virtual clock.
public struct Engine: Sendable {
    public let config: EngineConfig
    let compiler: GestureCompiler

    /// The latest instant seen; inputs stamped earlier are treated as happening now.
    public private(set) var now: Instant = .zero
    /// What the gate reads per session: plain values, cheap to look at.
    var sessions = SessionMap<SessionState>()
    /// Who each session is and what policy grants it.
    var profiles = SessionMap<SessionProfile>()
    public internal(set) var leases: LeaseTable
    public internal(set) var focus = FocusEvidence()
    /// The same evidence recorded as gestures start on the seat (`focus` records them when
    /// accepted): checked again when a key gesture starts, without a window system.
    public internal(set) var seatFocus = FocusEvidence()
    public internal(set) var human: HumanActivity
    public internal(set) var panic: PanicDetector
    /// The shared seat and the sessions' own seats (DESIGN §5a).
    public internal(set) var seats = Seats()
    /// Own seats' pauses under `[human] pause = "touched"`: a session on its own seat is
    /// paused only when the human touches its lease (`Engine+Human`).
    public internal(set) var seatPauses = SessionMap<HumanActivity>()
    /// Where the human's pointer is, as the window system last reported it (`nil`:
    /// unknown, so a human click touches every lease).
    public internal(set) var humanPointer: Point?
    /// Whether `humanPointer` and the reported focus still hold (no human motion or click
    /// since the window system said), and the human's click and key that wait for a
    /// report (`Engine+Touch`).
    var humanPointerKnown = false
    var humanFocusKnown = false
    var unresolvedPress: Instant?
    var unresolvedKey: Instant?
    /// When the human last clicked, scrolled or typed while own seats exist: the daemon
    /// then asks the window system where the pointer and the focus are.
    public internal(set) var humanTouchedAt: Instant?
    public internal(set) var neutral = NeutralState()
    /// Who moved the seat's one cursor last (DESIGN §3: a click "at the same place" must
    /// re-assert its position when someone else moved the cursor since).
    public internal(set) var cursorMover: CursorMover = .nobody
    /// `wait` gestures: they hold nothing, so they run beside the seat.
    var waits: [PendingWait] = []
    /// Refusals being counted instead of audited one by one, and when the first of their
    /// windows ends (`Engine+RefusalFolding`).
    var refusalFolds: [RefusalFold.Key: RefusalFold] = [:]
    var refusalFoldDeadline: Instant?
    public internal(set) var isShutDown = false
    /// The whole desktop now: `config.desktop` at start, then what the window system
    /// reports (`EngineInput.desktop`). Leases are granted and positions accepted only
    /// inside it.
    public internal(set) var desktop: Region

    public init(config: EngineConfig) {
        self.config = config
        self.desktop = config.desktop
        self.compiler = GestureCompiler(pacing: config.pacing, keymap: config.keymap)
        self.human = HumanActivity(quietPeriod: config.quietPeriod)
        self.leases = LeaseTable(maximumHold: config.maximumHold)
        self.panic = PanicDetector(chord: config.panicChord)
    }

    /// Feeds one input that happened at `now`.
    public mutating func handle(_ input: EngineInput, at now: Instant, into out: inout some EngineOutput) {
        if now > self.now { self.now = now }
        switch input {
        case .physical(let device, let frame):
            // The human goes first: before timers, before any agent work. Timers wait for
            // their tick, so the passthrough path stays short and allocation-free.
            physical(device: device, frame, into: &out)
        case .tick:
            expire(into: &out)
        case .connect(let identity, let policy):
            expire(into: &out)
            connect(identity, policy, into: &out)
        case .disconnect(let session):
            expire(into: &out)
            disconnect(session, reason: .disconnected, into: &out)
        case .agent(let session, let request, let req):
            expire(into: &out)
            agent(session, request, req, into: &out)
        case .operator(let op, let request, let command):
            expire(into: &out)
            control(command, from: .operator(op), request: request, into: &out)
        case .windowGeometry(let window, let geometry):
            expire(into: &out)
            windowMoved(window, to: geometry, into: &out)
        case .focusedWindow(let window, let geometry):
            expire(into: &out)
            focus.windowSystemReports(window, geometry: geometry, time: now)
            seatFocus.windowSystemReports(window, geometry: geometry, time: now)
            focusReported(into: &out)
            humanFocusReported(into: &out)
        case .foreignInput(let f):
            expire(into: &out)
            foreign(f, into: &out)
        case .desktop(let r):
            expire(into: &out)
            desktopChanged(to: r, into: &out)
        case .seat(let session, let assignment):
            expire(into: &out)
            assignSeat(session, assignment, into: &out)
        case .seatFocusLost(let session):
            expire(into: &out)
            ownSeatFocusLost(session, into: &out)
        case .humanPointer(let p):
            expire(into: &out)
            humanPointerReported(p, into: &out)
        case .captured(let order, let outcome):
            expire(into: &out)
            captured(order, outcome, into: &out)
        case .shutdown:
            shutdown(into: &out)
        }
        // Whatever ended above, the next waiters are told at once.
        advanceQueue(into: &out)
        pumpSeat(into: &out)
    }

    /// When to call `handle(.tick, …)` next; `nil` when nothing is pending.
    public var nextDeadline: Instant? {
        var next = seats.nextDeadline
        func consider(_ t: Instant?) {
            if let t, next == nil || t < next! { next = t }
        }
        consider(human.pausedUntil)
        if seats.shared.othersWait, let since = seats.shared.heldSince { consider(since + config.maximumSeatHold) }
        for (_, p) in seatPauses { consider(p.pausedUntil) }
        consider(touchDeadline)
        consider(leases.nextDeadline)
        consider(refusalFoldDeadline)
        for w in waits { consider(w.until) }
        return next
    }

    /// Everything that lapses by itself: quiet periods, TTLs, queue timeouts, waits.
    mutating func expire(into out: inout some EngineOutput) {
        if human.settle(at: now) {
            var anyone = false
            for s in sessions.keys where pausedByAnyInput(s) { anyone = true; out.notify(.humanQuiet, to: s) }
            if anyone || config.humanPause == .all {
                out.audit(AuditEvent(time: now, identity: nil, lease: nil, action: "human", decision: .resumed,
                                     reason: nil, message: "human quiet for \(config.quietPeriod): agents resumed"))
            }
        }
        settleSeatPauses(into: &out)
        resolveTouchesInDoubt(into: &out)
        for (id, reason) in leases.lapsed(at: now) {
            if reason == .ttlExpired, let l = leases[id], seats.isBusy(with: l.holder) {
                // A gesture running or waiting on the seat is activity: it renews.
                leases.renew(session: l.holder, at: now)
                continue
            }
            endLease(id, lapse(id, reason), into: &out)
        }
        advanceQueue(into: &out)
        expireSeatHold(into: &out)
        flushRefusalFolds(into: &out)
        var i = 0
        while i < waits.count {
            if waits[i].until <= now {
                let w = waits.remove(at: i)
                out.reply(.done, to: .session(w.session), for: w.request)
            } else {
                i += 1
            }
        }
    }
}

extension Engine {
    /// The sentence for a lease whose time ran out.
    func lapse(_ id: LeaseID, _ reason: ReasonCode) -> Rejection {
        let l = leases[id]
        switch reason {
        case .queueTimeout:
            let waited = l.map { now - $0.requestedAt } ?? .zero
            return Rejection(reason, "lease request \(id) gave up after waiting \(waited) (its timeout); acquire again to rejoin the queue")
        case .maxHold:
            let m = config.maximumHold.map { "\($0)" } ?? "?"
            return Rejection(reason, "lease \(id) ended: held for the maximum of \(m); acquire again to rejoin the queue")
        default:
            let ttl = l.map { "\($0.ttl)" } ?? "its TTL"
            return Rejection(reason, "lease \(id) ended: no heartbeat or activity for \(ttl) (TTL); acquire again")
        }
    }
}

/// Who moved the seat's cursor last.
public enum CursorMover: Hashable, Sendable {
    case nobody
    case human
    case agent(SessionID)
}

/// What the engine keeps per connected session.
/// Kept free of references on purpose: the gate copies it on every decision.
struct SessionState: Sendable {
    var bucket: TokenBucket
    /// The last ABS values written to this session's pointer device. The kernel drops an
    /// ABS event equal to the device's current value, so these decide what a frame moves.
    var absX: Int32? = nil
    var absY: Int32? = nil
    /// Where the session's accepted gestures leave its pointer (gestures with no
    /// position are checked against this).
    var planned: Point? = nil
    /// When a frame of this session's was last written (a settling capture awaits its effect).
    var lastActed: Instant? = nil
    /// The seat its gestures run on.
    var seat: SeatKey = .shared
    /// Its own seat's name as the window system shows it.
    var seatName: String? = nil

    var pointer: Point? {
        guard let x = absX, let y = absY else { return nil }
        return Point(x: x, y: y)
    }
}

/// What never changes about a session.
struct SessionProfile: Sendable {
    var identity: AgentIdentity
    var policy: SessionPolicy
}

struct PendingWait: Hashable, Sendable {
    var session: SessionID
    var request: RequestID
    var until: Instant
}
