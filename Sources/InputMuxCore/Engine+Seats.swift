import InputMuxWire

/// Seats of their own (DESIGN §5a): which seat a session got, and its keyboard focus,
/// which InputMux puts on the lease itself (no one else's click can move it).
extension Engine {
    /// The daemon made the session a seat of its own, or could not (`EngineInput.seat`):
    /// before the hello reply, and again if the seat is lost later (its devices, made anew
    /// for a new desktop, were never added). What runs or waits on the old seat stops.
    mutating func assignSeat(_ s: SessionID, _ assignment: SeatAssignment, into out: inout some EngineOutput) {
        guard sessions[s] != nil else { return }
        if seats.isBusy(with: s) {
            let why: String = switch assignment {
            case .own(let name): "the session moved to a seat of its own (\(name))"
            case .shared(let reason): "your seat of your own was lost (\(reason)); you share the human's seat from now on"
            }
            cancelSeatWork(of: s, because: Rejection(.desktopChanged, why + "; send it again"), reply: true, into: &out)
            neutralize(s, pointer: true, keyboard: true, into: &out)
        }
        let message: String
        switch assignment {
        case .own(let name):
            sessions[s]!.seat = .own(s)
            sessions[s]!.seatName = name
            seats.own[s] = SeatScheduler()
            message = "\(self.name(s)) has a seat of its own: \(name)"
        case .shared(let reason):
            sessions[s]!.seat = .shared
            sessions[s]!.seatName = nil
            seats.own[s] = nil
            seatPauses[s] = nil
            message = "\(self.name(s)) shares the human's seat: \(reason)"
        }
        out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: nil, action: "seat", decision: .observed,
                             reason: nil, message: message))
    }

    /// The session ended: its seat goes with it.
    mutating func forgetSeat(_ s: SessionID) {
        seats.own[s] = nil
        seatPauses[s] = nil
    }

    /// Whether the session runs on a seat of its own.
    func hasOwnSeat(_ s: SessionID) -> Bool { sessions[s]?.seat == .own(s) }

    /// Puts the session's own seat's focus on its keyboard lease (the leased window, or
    /// for a region the window under the seat's own pointer, which must then lie inside
    /// the region). The refusal says why not.
    mutating func focusOwnSeat(_ s: SessionID, into out: inout some EngineOutput) -> Rejection? {
        guard let k = leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard }) else {
            return Rejection(.noKeyboardLease, "you hold no active keyboard lease; acquire one with keyboard: true")
        }
        let target: SeatFocusTarget
        switch k.resources.area {
        case .window(let w, _):
            target = .window(w)
        case .region(let r):
            guard let p = sessions[s]?.pointer, r.contains(p) else {
                let at = sessions[s]?.pointer.map { "it is at \($0)" } ?? "it has not moved yet"
                return Rejection(.focusUnproven, "on your own seat, keys go to the window under your own pointer, and \(at); "
                                 + "move or click inside \(r) first")
            }
            target = .underPointer(p)
        }
        if case .refused(let why) = out.focusSeat(of: s, on: target) {
            return Rejection(.focusElsewhere, "the window system did not put your seat's focus on lease \(k.id)'s window: \(why)")
        }
        return nil
    }

    /// Sessions whose keys run on their own seat now, and where their seat's focus must
    /// stay meanwhile: what the daemon watches (`EngineInput.seatFocusLost`).
    public func ownSeatsTyping() -> [(SessionID, SeatFocusTarget)] {
        var typing: [(SessionID, SeatFocusTarget)] = []
        for (s, q) in seats.own {
            guard let r = q.running, r.job.gesture.needsFocus, r.next < r.frames.count,
                  let k = leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard }) else { continue }
            switch k.resources.area {
            case .window(let w, _): typing.append((s, .window(w)))
            case .region:
                guard let p = sessions[s]?.pointer else { continue }
                typing.append((s, .underPointer(p)))
            }
        }
        return typing
    }

    /// The window system says the seat's focus left the lease while keys ran: the rest
    /// of them is not written, and what the session holds is released.
    mutating func ownSeatFocusLost(_ s: SessionID, into out: inout some EngineOutput) {
        guard let r = seats.own[s]?.running, r.job.gesture.needsFocus else { return }
        let left = r.frames.count - r.next
        guard let job = abortRunning(on: .own(s), into: &out) else { return }
        let message = "\(job.gesture.kind) stopped with \(left) frames unsent: the window system moved your seat's focus away "
            + "from lease \(job.lease) (its window was unmapped or closed, a new window took it, or the application moved it); "
            + "what it held was released"
        out.reply(.rejected(Rejection(.focusElsewhere, message)), to: .session(s), for: job.request)
        out.audit(AuditEvent(time: now, identity: profiles[s]?.identity, lease: job.lease, action: job.gesture.kind,
                             decision: .aborted, reason: .focusElsewhere, message: message))
        let pointer = sessions[s]?.pointer
        sessions[s]?.planned = pointer
    }

    /// A keyboard lease on a window was granted to a session on its own seat: the seat's
    /// focus goes there at once (and again before each key gesture).
    mutating func focusOwnSeatOnGrant(_ l: Lease, into out: inout some EngineOutput) {
        guard hasOwnSeat(l.holder), l.resources.keyboard, case .window(let w, _) = l.resources.area else { return }
        _ = out.focusSeat(of: l.holder, on: .window(w))
    }
}
