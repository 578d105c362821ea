/// Agent requests, and gestures from acceptance to their last frame: the gate, the seat
/// transaction, neutral state and cursor tracking (DESIGN §3–4).
extension Engine {
    mutating func agent(_ s: SessionID, _ request: RequestID, _ req: AgentRequest, into out: inout some EngineOutput) {
        guard sessions[s] != nil else {
            out.reply(.rejected(Rejection(.unknownSession, "session #\(s) is not connected; connect first")),
                      to: .session(s), for: request)
            return
        }
        if isShutDown {
            out.reply(.rejected(Rejection(.shutdown, "the daemon is shutting down")), to: .session(s), for: request)
            return
        }
        // Every request costs a token, refused ones included (DESIGN §3.5); gestures pay
        // at the gate, everything else here.
        if case .gesture = req {} else if !admit(s, request, req, into: &out) { return }
        switch req {
        case .acquire(let r): acquire(s, request, r, into: &out)
        case .release(let id): release(s, request, id, into: &out)
        case .heartbeat:
            leases.renew(session: s, at: now)
            out.reply(.done, to: .session(s), for: request)
        case .gesture(let g): gesture(s, request, g, into: &out)
        case .status: out.reply(.status(status(for: .session(s))), to: .session(s), for: request)
        case .supervise(let c): control(c, from: .session(s), request: request, into: &out)
        case .capture(let c): capture(c, for: .session(s), request: request, into: &out)
        }
    }

    mutating func gesture(_ s: SessionID, _ request: RequestID, _ g: Gesture, into out: inout some EngineOutput) {
        let identity = profiles[s]!.identity
        func refuse(_ r: Rejection, lease: LeaseID?) {
            out.reply(.rejected(r), to: .session(s), for: request)
            auditRefusal(AuditEvent(time: now, identity: identity, lease: lease, action: g.kind, points: points(of: g, s),
                                    decision: .rejected, reason: r.code, message: r.message, text: redacted(g, s)), into: &out)
        }
        let lease: LeaseID
        switch check(g, from: s, at: now) {
        case .rejected(let f):
            // Refused requests cost a token too, so a flood of bad gestures cannot flood
            // the audit log either.
            if f.code != .rateLimited, sessions[s]!.bucket.allows(at: now) { sessions[s]!.bucket.take(at: now) }
            return refuse(explain(f, gesture: g, session: s), lease: f.lease)
        case .allowed(let l): lease = l
        }
        // Validate the whole gesture before anything is sent (unmappable text, bad counts).
        // It runs after what is queued before it, so it starts where those leave the
        // pointer; it compiles again, against the seat as it is then, when it starts.
        var expected = compileContext(for: s, gesture: g)
        expected.pointerPosition = sessions[s]!.planned ?? expected.pointerPosition
        expected.cursorMovedByOthers = true
        do throws(Rejection) {
            let frames = try compiler.compile(g, context: expected)
            // Keys that act on the machine, or follow a focus-moving chord, with what is
            // held now (this runs again at start).
            if let r = keyRefusal(frames, s, g) { throw r }
            if let long = durationRefusal(g, frames) { throw long }
        } catch {
            return refuse(error, lease: lease)
        }
        sessions[s]!.bucket.take(at: now)
        leases.renew(session: s, at: now)
        out.audit(AuditEvent(time: now, identity: identity, lease: lease, action: g.kind, points: points(of: g, s),
                             decision: .allowed, reason: nil, message: "\(g.kind) accepted", text: redacted(g, s)))
        if case .wait(let d) = g {
            waits.append(PendingWait(session: s, request: request, until: now + d))
            return
        }
        recordFocus(g, s)
        if let p = endPosition(of: g, s) { sessions[s]!.planned = p }
        let job = SeatScheduler.Job(session: s, request: request, lease: lease, gesture: g, acceptedAt: now)
        seats.update(seatKey(s)) { $0.enqueue(job) }
    }

    /// The seat session `s`'s gestures run on.
    func seatKey(_ s: SessionID) -> SeatKey { sessions[s]?.seat ?? .shared }

    /// Runs every seat: emits due frames, finishes transactions, starts the next in turn.
    mutating func pumpSeat(into out: inout some EngineOutput) {
        pump(.shared, into: &out)
        for s in seats.own.keys { pump(.own(s), into: &out) }
    }

    private mutating func pump(_ key: SeatKey, into out: inout some EngineOutput) {
        let now = self.now
        while let q = seats[key] {
            if let running = q.running, let f = seats.update(key, { $0.popDue(at: now) }) ?? nil {
                let s = running.job.session
                emitAgent(f.frame, to: f.device == .pointer ? .agentPointer(s) : .agentKeyboard(s), into: &out)
                continue
            }
            if let job = seats.update(key, { $0.finishIfDone() }) ?? nil {
                let s = job.session
                leases.renew(session: s, at: now)
                if neutral.held(on: .agentPointer(s)).isEmpty && neutral.held(on: .agentKeyboard(s)).isEmpty {
                    if q.heldBy == s { seats.update(key) { $0.letGo() } }
                } else {
                    seats.update(key) { $0.hold(for: s, at: now) }
                }
                out.reply(.done, to: .session(s), for: job.request)
                continue
            }
            if q.isIdle, let job = seats.update(key, { $0.dequeue() }) ?? nil {
                start(job, into: &out)
                continue
            }
            return
        }
    }

    /// Compiles a job against the seat as it is now (who moved the cursor last) and
    /// starts it, after a last check that every position it writes is still inside.
    private mutating func start(_ job: SeatScheduler.Job, into out: inout some EngineOutput) {
        let s = job.session
        func drop(_ r: Rejection) {
            if job.gesture.isFocusClick { focus.forget(s); seatFocus.forget(s) }
            out.reply(.rejected(r), to: .session(s), for: job.request)
            out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: job.lease, action: job.gesture.kind,
                                 decision: .aborted, reason: r.code, message: r.message))
        }
        guard let state = sessions[s] else { return }
        guard leases[job.lease]?.state == .active else {
            return drop(Rejection(.leaseNotActive, "\(job.gesture.kind) dropped: lease \(job.lease) is no longer active"))
        }
        let own = state.seat != .shared
        // On a seat of its own, the seat's focus is put on the lease now, and read back.
        if own, job.gesture.needsFocus, let r = focusOwnSeat(s, into: &out) {
            return drop(Rejection(r.code, "\(job.gesture.kind) dropped: \(r.message)"))
        }
        // With a window system, focus is checked again now: gestures of others that ran
        // since this one was accepted may have moved it.
        if !own, config.windowSystemFocus, job.gesture.needsFocus,
           let k = leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard }),
           !focus.windowSystemProves(k.resources.area) {
            return drop(Rejection(.focusElsewhere, "\(job.gesture.kind) dropped: " + focusElsewhere(lease: k.id)))
        }
        // Without a window system, the evidence in the order gestures really run: a session
        // holding the seat (keys or buttons down) runs its own gestures before earlier ones
        // of others, so a click accepted after another's drag may run before it.
        if !own, !config.windowSystemFocus, job.gesture.needsFocus,
           let k = leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard }),
           !seatFocus.proves(s, in: k.region) {
            let why = seatFocus.lastChange.map { "the \(describe($0)) ran on the seat after your click" } ?? "no click of yours ran on the seat"
            return drop(Rejection(.focusUnproven, "\(job.gesture.kind) dropped: \(why); click inside \(k.region) again"))
        }
        let frames: [TimedFrame]
        do throws(Rejection) {
            frames = try compiler.compile(job.gesture, context: compileContext(for: s, gesture: job.gesture))
            if let long = durationRefusal(job.gesture, frames) { throw long }
        } catch {
            return drop(error)
        }
        // Keys that act on the machine, completed with what is held now: gestures that ran
        // since this one was accepted (a key_down alt before a raw sysrq) may complete one.
        if let r = keyRefusal(frames, s, job.gesture) { return drop(r) }
        // Safety net: nothing is emitted outside the holder's region, whatever moved since.
        var x = state.absX, y = state.absY
        for f in frames where f.device == .pointer {
            var moved = false
            for e in f.frame.events where e.type == EV.abs {
                if e.code == ABS.x { x = e.value; moved = true }
                if e.code == ABS.y { y = e.value; moved = true }
            }
            guard moved, let px = x, let py = y else { continue }
            let p = Point(x: px, y: py)
            let inside = leases.leases(of: s).contains { l in
                l.state == .active && l.resources.pointer && l.region.contains(p)
            }
            if !inside {
                return drop(Rejection(.outsideRegion, "\(job.gesture.kind) dropped: \(p) is no longer inside your region"))
            }
        }
        let t = now
        seats.update(state.seat) { $0.start(job, frames: frames, at: t) }
        // A seat of its own moves no one else's focus and proves nothing to anyone.
        if own { return }
        recordSeatFocus(job.gesture, frames, s, at: state.pointer)
        if config.windowSystemFocus, job.gesture.pressesFocusModifier
            || (job.gesture.needsFocus && neutral.held(on: .agentKeyboard(s)).contains(where: \.isFocusModifier)) {
            focus.focusChordStarted(by: s, time: now)
        }
        if config.windowSystemFocus, let px = x, let py = y, x != state.absX || y != state.absY || job.gesture.isFocusClick {
            let p = Point(x: px, y: py)
            let l = leases.leases(of: s).first { $0.state == .active && $0.resources.area.window != nil && $0.region.contains(p) }
            focus.pointerGestureStarted(by: s, window: l?.resources.area.window, geometry: l?.region, time: now)
        }
    }

    /// Why these frames may not be written to the session's keyboard from what is held
    /// now: a machine chord its policy does not allow (DESIGN §3 item 6), or a key pressed
    /// after a focus-moving chord in the same gesture (`FocusChords`; not for `type`, whose
    /// only modifiers are the keymap's level shifts: AltGr+Q types "@" on German layouts).
    func keyRefusal(_ frames: [TimedFrame], _ s: SessionID, _ g: Gesture) -> Rejection? {
        guard frames.contains(where: { $0.device == .keyboard }) else { return nil }
        let keyboard = frames.lazy.filter { $0.device == .keyboard }.map(\.frame)
        let allowed = profiles[s]?.policy.allowedMachineChords ?? []
        if let c = MachineKeys.completed(in: keyboard, on: s, neutral: neutral, allowed: allowed) {
            return MachineKeys.refusal(c, kind: g.kind)
        }
        if case .type = g { return nil }
        if let o = FocusChords.pressAfterFocusMove(in: keyboard, held: neutral.held(on: .agentKeyboard(s))) {
            return FocusChords.refusal(o, kind: g.kind)
        }
        return nil
    }

    /// What the compiler needs to know about the seat (DESIGN §3, one cursor).
    func compileContext(for s: SessionID, gesture: Gesture) -> CompileContext {
        let state = sessions[s]
        let target = firstPosition(of: gesture) ?? state?.planned ?? state?.pointer
        var region: Region?
        for l in leases.leases(of: s) {
            guard l.state == .active, l.resources.pointer else { continue }
            if region == nil { region = l.region }
            if let target, l.region.contains(target) { region = l.region; break }
        }
        // Nobody else moves the cursor of a seat of its own.
        let movedByOthers = state?.seat == .own(s) ? state?.pointer == nil : cursorMover != .agent(s)
        return CompileContext(pointerPosition: state?.pointer, cursorMovedByOthers: movedByOthers, region: region)
    }

    /// Every agent frame goes through neutral state, and pointer frames update what the
    /// device's axes hold and who moved the seat's cursor.
    mutating func emitAgent(_ frame: Frame, to device: DeviceRef, into out: inout some EngineOutput) {
        guard let f = neutral.filter(frame, on: device) else { return }
        if let s = device.session, sessions[s] != nil { let t = now; sessions[s]!.lastActed = t }
        if case .agentPointer(let s) = device, sessions[s] != nil {
            var moved = false
            for e in f.events where e.type == EV.abs {
                if e.code == ABS.x, sessions[s]!.absX != e.value { sessions[s]!.absX = e.value; moved = true }
                if e.code == ABS.y, sessions[s]!.absY != e.value { sessions[s]!.absY = e.value; moved = true }
            }
            if moved, sessions[s]!.seat == .shared { cursorMover = .agent(s) }
        }
        out.emit(f, to: device)
    }

    /// Releases everything the session's devices hold, in reverse press order.
    mutating func neutralize(_ s: SessionID, pointer: Bool, keyboard: Bool, into out: inout some EngineOutput) {
        if pointer { for f in neutral.releaseAll(on: .agentPointer(s)) { out.emit(f, to: .agentPointer(s)) } }
        if keyboard { for f in neutral.releaseAll(on: .agentKeyboard(s)) { out.emit(f, to: .agentKeyboard(s)) } }
        let key = seatKey(s)
        if seats[key]?.heldBy == s, neutral.held(on: .agentPointer(s)).isEmpty, neutral.held(on: .agentKeyboard(s)).isEmpty {
            seats.update(key) { $0.letGo() }
        }
    }

    /// A session kept the shared seat (keys or buttons down) too long while others wait:
    /// what it holds is released, and the seat moves on. (Nobody waits for an own seat.)
    mutating func expireSeatHold(into out: inout some EngineOutput) {
        guard let h = seats.shared.heldBy, let since = seats.shared.heldSince, seats.shared.othersWait,
              now >= since + config.maximumSeatHold else { return }
        neutralize(h, pointer: true, keyboard: true, into: &out)
        seats.shared.letGo()
        out.audit(AuditEvent(time: now, identity: profiles[h]?.identity, lease: nil, action: "seat", decision: .revoked,
                             reason: .maxHold, message: "\(name(h)) kept keys or buttons down for \(config.maximumSeatHold) "
                                + "while others waited; they were released"))
    }

    /// Stops the session's running gesture (neutralizing it) and drops its waiting ones.
    mutating func cancelSeatWork(of s: SessionID, because why: Rejection, reply: Bool, into out: inout some EngineOutput) {
        let key = seatKey(s)
        if seats[key]?.running?.job.session == s, let job = abortRunning(on: key, into: &out) {
            if reply {
                out.reply(.rejected(Rejection(why.code, "\(job.gesture.kind) stopped: \(why.message)")),
                          to: .session(s), for: job.request)
            }
        }
        for job in seats.update(key, { $0.drop(where: { $0.session == s }) }) ?? [] {
            unrecordFocus(job)
            if reply {
                out.reply(.rejected(Rejection(why.code, "\(job.gesture.kind) dropped: \(why.message)")),
                          to: .session(s), for: job.request)
            }
        }
        let pointer = sessions[s]?.pointer
        sessions[s]?.planned = pointer
    }

    /// Stops the gesture running on the seat: nothing more of it is written, what its
    /// session holds is released, and a click of it proves nothing. The caller tells why.
    mutating func abortRunning(on key: SeatKey, into out: inout some EngineOutput) -> SeatScheduler.Job? {
        guard let job = seats.update(key, { $0.abort() }) ?? nil else { return nil }
        neutralize(job.session, pointer: true, keyboard: true, into: &out)
        unrecordFocus(job)
        return job
    }

    /// Human input: the running gesture stops and is neutralized; nothing waiting is
    /// replayed later (DESIGN §3.4). Every seat, or the one named.
    mutating func abortSeat(because why: Rejection, waitingReason: Rejection, into out: inout some EngineOutput) {
        abortSeat(.shared, because: why, waitingReason: waitingReason, into: &out)
        for s in seats.own.keys { abortSeat(.own(s), because: why, waitingReason: waitingReason, into: &out) }
    }

    mutating func abortSeat(_ key: SeatKey, because why: Rejection, waitingReason: Rejection, into out: inout some EngineOutput) {
        guard let q = seats[key], !q.isIdle || !q.waiting.isEmpty else { return }
        if let job = abortRunning(on: key, into: &out) {
            out.reply(.rejected(Rejection(why.code, "\(job.gesture.kind) stopped: \(why.message)")),
                      to: .session(job.session), for: job.request)
            out.audit(AuditEvent(time: now, identity: profiles[job.session]?.identity, lease: job.lease,
                                 action: job.gesture.kind, decision: .aborted, reason: why.code, message: why.message))
        }
        var touched: Set<SessionID> = []
        for job in seats.update(key, { $0.drop(where: { _ in true }) }) ?? [] {
            unrecordFocus(job)
            touched.insert(job.session)
            out.reply(.rejected(Rejection(waitingReason.code, "\(job.gesture.kind) dropped: \(waitingReason.message)")),
                      to: .session(job.session), for: job.request)
        }
        for s in touched.union(q.running.map { [$0.job.session] } ?? []) {
            let pointer = sessions[s]?.pointer
            sessions[s]?.planned = pointer
        }
    }

    /// Focus evidence is recorded when a click is accepted (seat order is acceptance
    /// order); a click that never ran, or was cut off, proves nothing, so its session
    /// must click again before typing.
    mutating func unrecordFocus(_ job: SeatScheduler.Job) {
        if job.gesture.isFocusClick { focus.forget(job.session); seatFocus.forget(job.session) }
    }

    // MARK: gesture facts

    private mutating func recordFocus(_ g: Gesture, _ s: SessionID) {
        let here = sessions[s]?.planned ?? sessions[s]?.pointer
        // Alt or Super held from an earlier gesture makes these keys (or this click) a
        // focus-moving chord too: key_down alt, click, key tab is Alt+Tab.
        let altHeld = (g.needsFocus || g.isFocusClick) && willHoldFocusModifier(s)
        focus.record(g, by: s, at: here, time: now, focusModifierHeld: altHeld)
    }

    func firstPosition(of g: Gesture) -> Point? {
        switch g {
        case .move(let p): p
        case .click(let p, _, _, _), .mouseDown(let p, _), .mouseUp(let p, _), .scroll(let p, _, _, _): p
        case .drag(let path, _, _): path.first
        default: nil
        }
    }

    func endPosition(of g: Gesture, _ s: SessionID) -> Point? {
        switch g {
        case .drag(let path, _, _): return path.last
        case .raw(.pointer, let frames):
            let here = sessions[s]?.planned ?? sessions[s]?.pointer
            var x = here?.x, y = here?.y
            for f in frames {
                for e in f.events where e.type == EV.abs {
                    if e.code == ABS.x { x = e.value }
                    if e.code == ABS.y { y = e.value }
                }
            }
            guard let x, let y else { return nil }
            return Point(x: x, y: y)
        default: return firstPosition(of: g)
        }
    }

    func points(of g: Gesture, _ s: SessionID) -> [Point] {
        switch g {
        case .drag(let path, _, _): return path
        default:
            if let p = endPosition(of: g, s) { return [p] }
            switch g {
            case .click, .mouseDown, .mouseUp, .scroll:
                return (sessions[s]?.planned ?? sessions[s]?.pointer).map { [$0] } ?? []
            default: return []
            }
        }
    }

    /// Typed text is only ever audited redacted (length + keyed hash) unless policy says so.
    func redacted(_ g: Gesture, _ s: SessionID) -> RedactedText? {
        guard case .type(let text) = g else { return nil }
        return TextRedactor(key: config.redactionKey, logsClearText: profiles[s]?.policy.auditTextInClear ?? false).redact(text)
    }
}
