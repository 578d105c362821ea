import InputMuxWire

/// Focus while key gestures run (DESIGN §3.3): a focus report that no longer proves the
/// lease stops the running key gesture at once, and a session's own Alt/Super, held from an
/// earlier gesture, makes its next keys a focus-moving chord.
extension Engine {
    /// The window system reported the focus (`EngineInput.focusedWindow`). A key gesture
    /// running on the seat whose lease the focus no longer proves stops: none of its
    /// remaining frames is written, and what its session holds is released.
    mutating func focusReported(into out: inout some EngineOutput) {
        guard let running = seats.shared.running, running.job.gesture.needsFocus,
              running.next < running.frames.count else { return }
        let s = running.job.session
        guard let k = leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard }) else { return }
        let proven = config.windowSystemFocus ? focus.windowSystemProves(k.resources.area) : focus.proves(s, in: k.region)
        if proven { return }
        let left = running.frames.count - running.next
        guard let job = abortRunning(on: .shared, into: &out) else { return }
        let why = config.windowSystemFocus ? focusElsewhere(lease: k.id)
            : "focus left your region (\(focus.lastChange.map(describe) ?? "a focus report")); click inside \(k.region) again"
        let code: ReasonCode = config.windowSystemFocus ? .focusElsewhere : .focusUnproven
        let message = "\(job.gesture.kind) stopped with \(left) frames unsent: \(why); what it held was released"
        out.reply(.rejected(Rejection(code, message)), to: .session(s), for: job.request)
        out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: job.lease, action: job.gesture.kind,
                             decision: .aborted, reason: code, message: message))
        let pointer = sessions[s]?.pointer
        sessions[s]?.planned = pointer
    }

    /// Records a gesture that starts on the seat into `seatFocus`. A click whose button is
    /// down already (an earlier `mouse_down`) presses nothing the seat sees: it moves no
    /// focus and proves nothing.
    mutating func recordSeatFocus(_ g: Gesture, _ frames: [TimedFrame], _ s: SessionID, at here: Point?) {
        let altHeld = (g.needsFocus || g.isFocusClick) && neutral.held(on: .agentKeyboard(s)).contains(where: \.isFocusModifier)
        if g.isFocusClick {
            let buttons = neutral.held(on: .agentPointer(s))
            let presses = frames.contains { f in
                f.device == .pointer && f.frame.events.contains { $0.type == EV.key && $0.value == 1 && !buttons.contains(KeyCode($0.code)) }
            }
            if !presses {
                if altHeld || g.pressesFocusModifier { seatFocus.agentChord(s, time: now) }
                return
            }
        }
        seatFocus.record(g, by: s, at: here, time: now, focusModifierHeld: altHeld)
    }

    /// Whether session `s`'s keyboard will hold Alt or Super when a gesture accepted now
    /// starts: held now, or pressed by its running or waiting gestures and not released.
    func willHoldFocusModifier(_ s: SessionID) -> Bool {
        var held = neutral.held(on: .agentKeyboard(s)).filter(\.isFocusModifier)
        func apply(_ e: EvdevEvent) {
            guard e.type == EV.key, KeyCode(e.code).isFocusModifier else { return }
            if e.value == 0 { held.removeAll { $0.rawValue == e.code } } else if !held.contains(KeyCode(e.code)) {
                held.append(KeyCode(e.code))
            }
        }
        if let r = seats.running(of: s) {
            for f in r.frames[r.next...] where f.device == .keyboard { f.frame.events.forEach(apply) }
        }
        for job in seats[seatKey(s)]?.waiting ?? [] where job.session == s {
            switch job.gesture {
            case .keyDown(let k): apply(EvdevEvent(type: EV.key, code: k.rawValue, value: 1))
            case .keyUp(let k): apply(EvdevEvent(type: EV.key, code: k.rawValue, value: 0))
            case .raw(.keyboard, let frames): for f in frames { f.events.forEach(apply) }
            default: break  // chords, holds, text, clicks and drags release what they press
            }
        }
        return !held.isEmpty
    }
}
