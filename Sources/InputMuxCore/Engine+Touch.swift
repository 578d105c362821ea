import InputMuxWire

/// `[human] pause = "touched"` (DESIGN §5a): with seats of their own, the human's input
/// pauses only the sessions whose lease it reaches. A click, scroll or drag reaches the
/// leases under the human's pointer; a key reaches the leases the human's focus lies in.
/// Where the window system has not said yet where the pointer or the focus is, the
/// input reaches every lease: the human wins when in doubt.
extension Engine {
    /// Whether any human input pauses session `s` (it shares the human's seat, or the
    /// scope is `all`), rather than only input that touches its lease.
    func pausedByAnyInput(_ s: SessionID) -> Bool {
        config.humanPause == .all || !hasOwnSeat(s)
    }

    /// Whether session `s` is paused for the human now.
    func isPausedForHuman(_ s: SessionID) -> Bool {
        pausedByAnyInput(s) ? human.isPaused : (seatPauses[s]?.isPaused ?? false)
    }

    /// Until when session `s` is paused for the human.
    func pausedUntil(_ s: SessionID) -> Instant? {
        pausedByAnyInput(s) ? human.pausedUntil : seatPauses[s]?.pausedUntil
    }

    /// Pauses (or extends the pause of) each session on its own seat whose lease `touch`
    /// reaches, stopping its running gesture and releasing what it holds. Where the human's
    /// pointer (or focus) is not known since it last moved, the input waits for the window
    /// system to say (`humanPointerReported`, `humanFocusReported`), at most
    /// `touchResolutionLimit`; then, in doubt, it reaches every lease.
    mutating func pauseTouchedSeats(_ cause: String, _ touch: HumanTouch, into out: inout some EngineOutput) {
        guard touch != .nothing else { return }
        humanTouchedAt = now
        switch touch {
        case .nothing:
            return
        case .pointer:
            // A click may move the focus (click to focus): keys wait for a fresh report.
            humanFocusKnown = false
            guard humanPointerKnown else {
                if unresolvedPress == nil { unresolvedPress = now }
                return
            }
        case .focus:
            guard humanFocusKnown else {
                if unresolvedKey == nil { unresolvedKey = now }
                return
            }
        }
        pauseSeats(touchedBy: touch, cause, into: &out)
    }

    /// Pauses every own seat with a lease `touch` reaches.
    private mutating func pauseSeats(touchedBy touch: HumanTouch, _ cause: String, into out: inout some EngineOutput) {
        for s in seats.own.keys {
            guard let l = touchedLease(of: s, by: touch) else { continue }
            pauseOwnSeat(s, because: "\(cause) in lease \(l.id) (\(l.resources.area))", into: &out)
        }
    }

    /// The human's pointer moved: where it is now is the window system's to say.
    mutating func humanPointerMoved() {
        if humanPointerKnown { humanPointerKnown = false }
    }

    /// The window system said where the human's pointer is: a click waiting for it is
    /// counted against it.
    mutating func humanPointerReported(_ p: Point, into out: inout some EngineOutput) {
        humanPointer = p
        humanPointerKnown = true
        guard unresolvedPress != nil else { return }
        unresolvedPress = nil
        if config.humanPause == .touched { pauseSeats(touchedBy: .pointer, "human input", into: &out) }
    }

    /// The window system said where the human's focus is: keys waiting for it count
    /// against it.
    mutating func humanFocusReported(into out: inout some EngineOutput) {
        humanFocusKnown = true
        guard unresolvedKey != nil else { return }
        unresolvedKey = nil
        if config.humanPause == .touched { pauseSeats(touchedBy: .focus, "human input", into: &out) }
    }

    /// Input that waited too long for the window system to say where it went reaches
    /// every lease: the human wins when in doubt.
    mutating func resolveTouchesInDoubt(into out: inout some EngineOutput) {
        let limit = Self.touchResolutionLimit
        if let t = unresolvedPress, now >= t + limit {
            unresolvedPress = nil
            humanPointer = nil
            pauseSeats(touchedBy: .pointer, "human input (where it went is not known)", into: &out)
        }
        if let t = unresolvedKey, now >= t + limit {
            unresolvedKey = nil
            pauseSeats(touchedBy: .focus, "human input (where the focus is, is not known)", into: &out)
        }
    }

    /// How long a human click or key may wait for the window system to say where it went.
    static let touchResolutionLimit: Duration = .milliseconds(50)

    /// When an unresolved touch must be resolved in doubt.
    var touchDeadline: Instant? {
        [unresolvedPress, unresolvedKey].compactMap { $0 }.min().map { $0 + Self.touchResolutionLimit }
    }

    /// The first lease of `s` that `touch` reaches.
    func touchedLease(of s: SessionID, by touch: HumanTouch) -> Lease? {
        let held = leases.leases(of: s).filter { $0.state.holdsResources }
        switch touch {
        case .nothing:
            return nil
        case .pointer:
            guard humanPointerKnown, let p = humanPointer else { return held.first }
            return held.first { $0.region.contains(p) }
        case .focus:
            guard let f = focus.reported, f.window != nil || f.geometry != nil else { return held.first }
            return held.first { l in
                switch l.resources.area {
                case .window(let w, _): f.window == w
                case .region(let r): f.geometry.map(r.overlaps) ?? false
                }
            }
        }
    }

    /// Starts or extends session `s`'s own pause; when it starts, the session's running
    /// gesture stops, its waiting ones are dropped, what it holds is released, and it is told.
    mutating func pauseOwnSeat(_ s: SessionID, because cause: String, into out: inout some EngineOutput) {
        guard config.quietPeriod > .zero else {
            let why = Rejection(.abortedByHuman, "\(cause) at \(config.describe(now)) interrupted it (the quiet period is 0); "
                                + "what it pressed was released; send it again")
            abortSeat(.own(s), because: why, waitingReason: why, into: &out)
            return neutralize(s, pointer: true, keyboard: true, into: &out)
        }
        if seatPauses[s] == nil { seatPauses[s] = HumanActivity(quietPeriod: config.quietPeriod) }
        let t = now
        guard seatPauses.update(s, { $0.input(at: t) }) == true else { return }
        let why = Rejection(.pausedHuman, "paused: \(cause) at \(config.describe(now)); you resume "
                            + "\(config.quietPeriod) after the human's last input there")
        abortSeat(.own(s), because: Rejection(.abortedByHuman, "\(cause) at \(config.describe(now)) aborted it; "
                                                 + "what it pressed was released; retry after the resumed event"),
                  waitingReason: why, into: &out)
        neutralize(s, pointer: true, keyboard: true, into: &out)
        out.notify(.humanActive(why), to: s)
        out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: nil, action: "human", decision: .paused,
                             reason: .pausedHuman, message: why.message))
    }

    /// Own seats whose quiet period passed resume.
    mutating func settleSeatPauses(into out: inout some EngineOutput) {
        let t = now
        for s in seatPauses.keys where seatPauses.update(s, { $0.settle(at: t) }) == true {
            out.notify(.humanQuiet, to: s)
            out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: nil, action: "human", decision: .resumed,
                                 reason: nil, message: "human quiet in \(name(s))'s lease for \(config.quietPeriod): it resumed"))
        }
    }
}
