import InputMuxWire

/// Operator (`muxctl`) and orchestrator verbs, and status (DESIGN §1–2).
extension Engine {
    mutating func control(_ command: ControlCommand, from who: Requester, request: RequestID,
                          into out: inout some EngineOutput) {
        let actor: String
        var identity: AgentIdentity?
        switch who {
        case .operator(let o): actor = "\(o)"
        case .session(let s): actor = "orchestrator \(name(s))"; identity = profiles[s]?.identity
        }
        func answer(_ r: Reply, _ decision: AuditDecision, _ reason: ReasonCode?, _ message: String) {
            out.reply(r, to: who, for: request)
            let e = AuditEvent(time: now, identity: identity, lease: command.lease, action: command.verb,
                               decision: decision, reason: reason, message: "\(actor): \(message)")
            // An orchestrator's refusals fold like any session's (an operator's never do).
            if decision == .rejected { auditRefusal(e, into: &out) } else { out.audit(e) }
        }
        func refuse(_ code: ReasonCode, _ message: String) {
            answer(.rejected(Rejection(code, message)), .rejected, code, message)
        }

        if isShutDown, command != .status {
            return refuse(.shutdown, "\(command.verb) refused: the daemon is shutting down")
        }
        if case .session(let s) = who {
            guard let state = profiles[s], state.policy.rights.contains(.supervise) else {
                return refuse(.notSupervisor, "\(command.verb) refused: \(name(s)) lacks the supervise right; "
                    + "ask an operator, or grant `supervise` in the policy")
            }
            switch command {
            case .approve, .approveCapture, .deny, .resumeAfterPanic, .capture:
                return refuse(.notAllowed, "\(command.verb) refused: only an operator (`muxctl \(command.verb)`) may do that")
            default: break
            }
            if let id = command.lease, leases[id]?.holder == s {
                return refuse(.selfCancel, "\(command.verb) refused: \(id) is your own lease; an orchestrator never "
                    + "cancels itself through the supervise path; use release instead")
            }
        }
        if case .status = command {
            return answer(.status(status(for: who)), .allowed, nil, "status")
        }
        if case .capture(let id, var c) = command {
            c.lease = id
            return capture(c, for: who, request: request, into: &out)
        }
        if case .resumeAfterPanic = command {
            guard panic.isFrozen else { return answer(.done, .allowed, nil, "resume: agents were not frozen") }
            panic.thaw()
            for s in sessions.keys { out.notify(.unfrozen, to: s) }
            return answer(.done, .resumed, nil, "agents unfrozen after the panic chord")
        }
        guard let id = command.lease, let l = leases[id] else {
            return refuse(.unknownLease, "\(command.verb) refused: no live lease \(command.lease.map { "\($0)" } ?? ""); "
                + "`muxctl status` lists them")
        }
        let holder = name(l.holder)
        switch command {
        case .revoke:
            endLease(id, Rejection(.revoked, "lease \(id) revoked by \(actor); acquire again"), into: &out)
            answer(.done, .revoked, .revoked, "revoked \(id) of \(holder)")
        case .pause:
            guard l.state == .active else { return refuse(.leaseNotActive, "pause refused: \(id) is \(l.state)") }
            let why = Rejection(.leaseNotActive, "lease \(id) paused by \(actor); wait for the resumed event")
            leases.setState(id, .paused)
            cancelSeatWork(of: l.holder, because: why, reply: true, into: &out)
            neutralize(l.holder, pointer: l.resources.pointer, keyboard: l.resources.keyboard, into: &out)
            out.notify(.paused(id, why), to: l.holder)
            answer(.done, .paused, nil, "paused \(id) of \(holder)")
        case .resume:
            guard l.state == .paused else { return refuse(.leaseNotActive, "resume refused: \(id) is \(l.state), not paused") }
            leases.setState(id, .active)
            leases.renew(session: l.holder, at: now)
            out.notify(.resumed(id), to: l.holder)
            answer(.done, .resumed, nil, "resumed \(id) of \(holder)")
        case .reassign(_, let target):
            guard l.state.holdsResources else {
                return refuse(.leaseNotActive, "reassign refused: \(id) is \(l.state); only held leases move")
            }
            guard sessions[target] != nil else {
                return refuse(.unknownSession, "reassign refused: session #\(target) is not connected")
            }
            guard target != l.holder else { return refuse(.notAllowed, "reassign refused: \(holder) already holds \(id)") }
            var resources = l.resources
            resources.ownSeat = hasOwnSeat(target)
            // A session may hold overlapping leases of its own; handing one of them over
            // must not leave two holders on the same pixels (or two on the keyboard).
            if let other = leases.holderConflict(for: resources, holder: target, excluding: id) {
                return refuse(.conflict, "reassign refused: \(id)'s \(l.resources) overlaps \(name(other.holder))'s lease "
                    + "\(other.id) (\(other.resources)); revoke or reassign that one too, first")
            }
            // The target gets no more than it could acquire itself: its rights and allowed
            // regions, and an operator's approval for a sensitive region.
            if let refusal = leasePolicyRefusal(for: target, l.resources, verb: "reassign") {
                return refuse(refusal.code, refusal.message)
            }
            let held = leases.leases(of: target).count
            if held >= config.maximumLeasesPerSession {
                return refuse(.tooManyLeases, "reassign refused: \(name(target)) already has \(held) leases, the most one "
                    + "session may have (max_leases_per_session \(config.maximumLeasesPerSession)); it must release one first")
            }
            // An operator approves leases anyway, so its reassign is the approval. An
            // orchestrator cannot approve: the target must acquire it and wait for an operator.
            if case .session = who, let why = approvalReason(for: l.resources, flagged: false) {
                return refuse(.notAllowed, "reassign refused: \(l.resources.area) \(why), so it needs an operator's "
                    + "approval; ask an operator to `muxctl reassign \(id) \(target)`, or let \(name(target)) acquire it "
                    + "and wait for `muxctl approve`")
            }
            endLease(id, Rejection(.reassigned, "lease \(id) reassigned to \(name(target)) by \(actor)"), into: &out)
            // The resources pass straight to the target: no waiter gets them in between.
            let req = LeaseRequest(resources, mode: .try, ttl: l.ttl)
            let new = leases.add(holder: target, request: request, req, ttl: l.ttl, state: .active, at: now)
            out.notify(.granted(info(leases[new]!)), to: target)
            focusOwnSeatOnGrant(leases[new]!, into: &out)
            answer(.done, .reassigned, .reassigned, "reassigned \(id) of \(holder) to \(name(target)) as \(new)")
        case .approve, .approveCapture:
            if case .approveCapture = command {
                guard l.state == .pendingApproval || l.state.holdsResources || l.state == .queued else {
                    return refuse(.notAllowed, "approve refused: \(id) is \(l.state)")
                }
                leases.approveCapture(id)
                if l.state != .pendingApproval {
                    return answer(.done, .approved, nil, "approved capturing what \(id) of \(holder) shows")
                }
            }
            guard l.state == .pendingApproval else { return refuse(.notAllowed, "approve refused: \(id) is \(l.state)") }
            if l.mode == .try {
                if let b = leases.blocker(for: l.resources, holder: l.holder, sequence: l.sequence) {
                    let msg = conflictSentence(verb: "denied after approval", requester: l.holder, resources: l.resources,
                                               blocker: b, position: 1, waiting: false)
                    endLease(id, Rejection(.conflict, msg), into: &out)
                    return answer(.done, .approved, .conflict, "approved \(id), but it conflicts: \(msg)")
                }
                leases.activate(id, at: now)
                out.notify(.granted(info(leases[id]!)), to: l.holder)
            } else {
                leases.enqueue(id)  // granted at the end of this input if nothing blocks it
            }
            answer(.done, .approved, nil, "approved \(id) of \(holder)")
        case .deny:
            guard l.state == .pendingApproval else { return refuse(.notAllowed, "deny refused: \(id) is \(l.state)") }
            endLease(id, Rejection(.approvalDenied, "lease \(id) denied by \(actor)"), into: &out)
            answer(.done, .denied, .approvalDenied, "denied \(id) of \(holder)")
        case .status, .resumeAfterPanic, .capture:
            break
        }
    }

    /// A snapshot that changes nothing: not a TTL, not a queue position.
    public func status(for who: Requester) -> StatusSnapshot {
        let live = leases.all
        let held = live.filter { $0.state.holdsResources }.map(info)
        let queued = leases.queue.compactMap { leases[$0] }.map(info)
        let pending = live.filter { $0.state == .pendingApproval }.map(info)
        var targets: [LeaseID] = []
        switch who {
        case .operator: targets = live.map(\.id)
        case .session(let s):
            if profiles[s]?.policy.rights.contains(.supervise) == true {
                targets = live.filter { $0.holder != s }.map(\.id)
            }
        }
        return StatusSnapshot(time: now, held: held, waiting: queued + pending,
                              sessions: profiles.values.map(\.identity),
                              humanQuietAt: human.pausedUntil, frozenSince: panic.frozenSince,
                              seatBusyWith: seats.shared.running?.job.session, seatQueueLength: seats.shared.waiting.count,
                              seatHeldBy: seats.shared.heldBy, cancelTargets: targets, desktop: desktop,
                              seats: seats.own.map { s, q in
                                  SeatStatus(session: s, name: sessions[s]?.seatName ?? "", busy: q.running != nil,
                                             queueLength: q.waiting.count, pausedUntil: seatPauses[s]?.pausedUntil)
                              })
    }
}
