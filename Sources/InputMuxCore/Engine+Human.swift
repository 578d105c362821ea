/// The human's input, the panic chord and shutdown (DESIGN §4): the human always wins.
extension Engine {
    /// A physical frame: re-emitted first, then it moves focus evidence, may complete the
    /// panic chord, and pauses every agent. Allocates nothing while a pause is already on
    /// (the common case: a moving mouse).
    mutating func physical(device: UInt32, _ frame: Frame, into out: inout some EngineOutput) {
        out.emit(frame, to: .passthrough(device))
        var change: FocusEvidence.Change?
        var moved = false
        var panicked = false
        // Only keys, buttons and motion are the human acting. LED and sound events come
        // back from the kernel when *agents* toggle Caps Lock; they must not pause anyone.
        var acting = false
        var touch = HumanTouch.nothing
        for e in frame.events {
            switch e.type {
            case EV.key:
                acting = true
                if panic.key(e.code, value: e.value, at: now) { panicked = true }
                let k = KeyCode(e.code)
                if k.isButton { touch = .pointer } else if touch == .nothing { touch = .focus }
                guard e.value == 1 else { continue }
                if k.isButton { change = .humanClick } else if k.isFocusModifier, change == nil { change = .humanChord }
            case EV.rel:
                acting = true
                if e.code == REL.x || e.code == REL.y { moved = true } else { touch = .pointer }
            case EV.abs:
                acting = true
                moved = true
            default:
                break
            }
        }
        guard acting else { return }
        if moved { cursorMover = .human; humanPointerMoved() }
        if let change { focus.human(change, time: now); seatFocus.human(change, time: now) }
        if panicked { return panicNow(into: &out) }
        humanActed("human input", touch: touch, into: &out)
    }

    /// Input that counts as the human's: it starts or extends the pause. With a zero quiet
    /// period there is no pause to start: the input still stops the running gesture and
    /// releases what agents hold, but it is not announced to every session and audited
    /// as a pause and a resume at each frame.
    ///
    /// Under `[human] pause = "touched"`, sessions on seats of their own are paused only
    /// when `touch` reaches their lease (`Engine+Touch`); the shared seat is the human's,
    /// so its sessions always are.
    mutating func humanActed(_ cause: String, touch: HumanTouch, into out: inout some EngineOutput) {
        if config.humanPause == .touched, !seats.own.isEmpty { pauseTouchedSeats(cause, touch, into: &out) }
        guard config.quietPeriod > .zero else { return interruptAgents(for: cause, into: &out) }
        if human.input(at: now) { pauseAgents(for: cause, into: &out) }
    }

    /// Human input under a zero quiet period: the running gesture stops, waiting ones are
    /// dropped (as under a pause, nothing is replayed behind the human's back), and
    /// everything agents hold is released. Allocates nothing when the seat is idle.
    mutating func interruptAgents(for cause: String, into out: inout some EngineOutput) {
        let message = "\(cause) at \(config.describe(now)) interrupted it (the quiet period is 0, so agents are not paused); "
            + "what it pressed was released; send it again"
        let why = Rejection(.abortedByHuman, message)
        if config.humanPause == .all { abortSeat(because: why, waitingReason: why, into: &out) } else {
            abortSeat(.shared, because: why, waitingReason: why, into: &out)
        }
        for s in sessions.keys where pausedByAnyInput(s) { neutralize(s, pointer: true, keyboard: true, into: &out) }
    }

    /// The human (or input standing for it) just became active: every agent's running
    /// gesture stops, what it holds is released, and everyone waits for the quiet period.
    mutating func pauseAgents(for cause: String, into out: inout some EngineOutput) {
        let why = Rejection(.pausedHuman, "paused: \(cause) at \(config.describe(now)); agents resume "
            + "\(config.quietPeriod) after the last such input")
        let aborted = Rejection(.abortedByHuman, "\(cause) at \(config.describe(now)) aborted it; "
                                + "what it pressed was released; retry after the resumed event")
        if config.humanPause == .all { abortSeat(because: aborted, waitingReason: why, into: &out) } else {
            abortSeat(.shared, because: aborted, waitingReason: why, into: &out)
        }
        var anyone = false
        for s in sessions.keys where pausedByAnyInput(s) {
            anyone = true
            neutralize(s, pointer: true, keyboard: true, into: &out)
            out.notify(.humanActive(why), to: s)
        }
        // Under "touched" with every session on a seat of its own, nobody waits for this
        // pause: each own seat's pause is audited by itself.
        guard anyone || config.humanPause == .all else { return }
        out.audit(AuditEvent(time: now, identity: nil, lease: nil, action: "human", decision: .paused,
                             reason: .pausedHuman, message: why.message))
    }

    /// Input another XTest client injected (X11 adapter): always audited; with
    /// `pauseOnForeignInput` it counts as the human's (it may be a person's tool) and
    /// pauses every agent. It never touches the panic chord: that is physical only.
    mutating func foreign(_ f: ForeignInput, into out: inout some EngineOutput) {
        let pausing = config.pauseOnForeignInput
        out.audit(AuditEvent(time: now, identity: nil, lease: nil, action: "foreign_input", points: f.position.map { [$0] } ?? [],
                             decision: .observed, reason: .foreignInput,
                             message: "input injected by another XTest client: \(f.description)"
                                + (pausing ? "; agents pause as for human input" : "; agents were not paused (x11.pause_on_foreign_input is off)")))
        guard pausing else { return }
        if let p = f.position { humanPointer = p; humanPointerKnown = true }
        humanActed("input from another XTest client", touch: f.touch, into: &out)
    }

    /// The panic chord: revoke every lease, stop and neutralize everything, freeze agents
    /// until an operator resumes.
    mutating func panicNow(into out: inout some EngineOutput) {
        let why = Rejection(.panic, "the panic chord (\(config.panicChord)) was pressed at \(config.describe(now)): "
            + "every lease is revoked and agents are frozen until an operator runs `muxctl resume`")
        abortSeat(because: why, waitingReason: why, into: &out)
        for s in sessions.keys { neutralize(s, pointer: true, keyboard: true, into: &out) }
        for id in leases.all.map(\.id) { endLease(id, why, into: &out) }
        for s in sessions.keys { out.notify(.frozen(why), to: s) }
        out.audit(AuditEvent(time: now, identity: nil, lease: nil, action: "panic", decision: .panic,
                             reason: .panic, message: why.message))
    }

    /// The daemon stops: every gesture stops, every device releases what it holds, every
    /// lease ends, every agent device goes. Later requests are refused.
    mutating func shutdown(into out: inout some EngineOutput) {
        guard !isShutDown else { return }
        isShutDown = true
        let why = Rejection(.shutdown, "the daemon is shutting down")
        abortSeat(because: why, waitingReason: why, into: &out)
        for w in waits { out.reply(.rejected(why), to: .session(w.session), for: w.request) }
        waits.removeAll()
        for s in sessions.keys { neutralize(s, pointer: true, keyboard: true, into: &out) }
        for id in leases.all.map(\.id) { endLease(id, Rejection(.shutdown, "lease \(id) ended: \(why.message)"), into: &out) }
        for s in sessions.keys {
            out.device(.destroy(s))
            out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: nil, action: "disconnect",
                                 decision: .disconnected, reason: .shutdown, message: why.message))
        }
        sessions.removeAll()
        profiles.removeAll()
    }
}
