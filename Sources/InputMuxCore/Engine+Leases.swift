import InputMuxWire

/// Sessions and leases: connect, acquire, release, heartbeat, and every way a lease ends
/// (DESIGN §2). Whatever ends, the queue advances at the end of `handle`.
extension Engine {
    mutating func connect(_ identity: AgentIdentity, _ policy: SessionPolicy, into out: inout some EngineOutput) {
        let s = identity.session
        guard !isShutDown else { return }
        if sessions[s] != nil { disconnect(s, reason: .disconnected, into: &out) }
        profiles[s] = SessionProfile(identity: identity, policy: policy)
        sessions[s] = SessionState(bucket: TokenBucket(policy.rateLimit ?? config.rateLimit, at: now))
        out.device(.create(identity))
        out.audit(AuditEvent(time: now, identity: identity, lease: nil, action: "connect", decision: .connected,
                             reason: nil, message: "session \(identity) connected (uid \(identity.uid), pid \(identity.pid))"
                                 + (identity.exeSource == .late ? "; its exe was read late, by pid after accept (no SO_PEERPIDFD)" : "")))
        if let since = panic.frozenSince {
            out.notify(.frozen(Rejection(.frozen, "frozen since \(config.describe(since)): the panic chord was pressed; "
                + "an operator must run `muxctl resume`")), to: s)
        }
    }

    /// Ends a session: its gestures stop, its devices release everything and go, its
    /// leases end (and their waiters are granted).
    mutating func disconnect(_ s: SessionID, reason: ReasonCode, into out: inout some EngineOutput) {
        guard let state = profiles[s] else { return }
        cancelSeatWork(of: s, because: Rejection(reason, "session ended"), reply: false, into: &out)
        waits.removeAll { $0.session == s }
        neutralize(s, pointer: true, keyboard: true, into: &out)
        for id in leases.leases(of: s).map(\.id) {
            endLease(id, Rejection(reason, "lease \(id) ended: session \(state.identity) disconnected"), notify: false, into: &out)
        }
        focus.forget(s)
        seatFocus.forget(s)
        flushRefusalFolds(of: s, into: &out)
        forgetSeat(s)
        sessions[s] = nil
        profiles[s] = nil
        out.device(.destroy(s))
        out.audit(AuditEvent(time: now, identity: state.identity, lease: nil, action: "disconnect", decision: .disconnected,
                             reason: reason, message: "session \(state.identity) ended"))
    }

    mutating func acquire(_ s: SessionID, _ request: RequestID, _ req: LeaseRequest, into out: inout some EngineOutput) {
        guard let state = profiles[s] else { return }
        var req = req
        req.resources.ownSeat = hasOwnSeat(s)
        func refuse(_ r: Rejection) {
            out.reply(.rejected(r), to: .session(s), for: request)
            auditRefusal(AuditEvent(time: now, identity: state.identity, lease: nil, action: "acquire",
                                    points: corners(req.resources.region), decision: .rejected, reason: r.code, message: r.message),
                         into: &out)
        }
        if let since = panic.frozenSince {
            return refuse(Rejection(.frozen, "lease refused: agents are frozen since the panic chord at \(config.describe(since)); "
                + "an operator must run `muxctl resume`"))
        }
        let mine = leases.leases(of: s)
        if mine.count >= config.maximumLeasesPerSession {
            return refuse(Rejection(.tooManyLeases, "lease refused: you already have \(mine.count) leases ("
                + mine.prefix(8).map { "\($0.id) \($0.state)" }.joined(separator: ", ") + (mine.count > 8 ? ", …" : "")
                + "), the most one session may have (max_leases_per_session \(config.maximumLeasesPerSession)); "
                + "release one you no longer need first"))
        }
        let r = req.resources.region
        if let refusal = leasePolicyRefusal(for: s, req.resources, verb: "lease") { return refuse(refusal) }
        var ttl = req.ttl ?? config.defaultTTL
        if ttl > config.maximumTTL { ttl = config.maximumTTL }
        if ttl < .milliseconds(1) { ttl = .milliseconds(1) }

        if let why = approvalReason(for: req.resources, flagged: req.needsApproval) {
            let id = leases.add(holder: s, request: request, req, ttl: ttl, state: .pendingApproval, at: now)
            let msg = "lease \(id) pending approval: \(req.resources.area) \(why); an operator must run "
                + "`muxctl approve \(id)` (or `deny`)"
            out.reply(.pendingApproval(info(leases[id]!), reason: msg), to: .session(s), for: request)
            out.audit(AuditEvent(time: now, identity: state.identity, lease: id, action: "acquire", points: corners(r),
                                 decision: .pendingApproval, reason: nil, message: msg))
            return
        }

        let seq = leases.upcomingSequence
        if let b = leases.blocker(for: req.resources, holder: s, sequence: seq) {
            let position = leases.queuePosition(for: req.resources, holder: s, sequence: seq)
            if req.mode == .try {
                return refuse(Rejection(.conflict, conflictSentence(verb: "denied", requester: s, resources: req.resources,
                                                                    blocker: b, position: position, waiting: false)))
            }
            let id = leases.add(holder: s, request: request, req, ttl: ttl, state: .queued, at: now)
            let msg = conflictSentence(verb: "queued", requester: s, resources: req.resources, blocker: b,
                                       position: position, waiting: true)
            out.reply(.queued(info(leases[id]!), position: position, reason: msg), to: .session(s), for: request)
            out.audit(AuditEvent(time: now, identity: state.identity, lease: id, action: "acquire", points: corners(r),
                                 decision: .queued, reason: .conflict, message: msg))
            return
        }
        let id = leases.add(holder: s, request: request, req, ttl: ttl, state: .active, at: now)
        out.reply(.granted(info(leases[id]!)), to: .session(s), for: request)
        focusOwnSeatOnGrant(leases[id]!, into: &out)
        out.audit(AuditEvent(time: now, identity: state.identity, lease: id, action: "acquire", points: corners(r),
                             decision: .granted, reason: nil, message: "lease \(id) granted: \(req.resources)"))
    }

    mutating func release(_ s: SessionID, _ request: RequestID, _ id: LeaseID, into out: inout some EngineOutput) {
        guard let l = leases[id], l.holder == s else {
            out.reply(.rejected(Rejection(.unknownLease, "release refused: you hold no lease \(id); `status` lists yours")),
                      to: .session(s), for: request)
            return
        }
        endLease(id, Rejection(.released, "lease \(id) released by its holder"), notify: false, into: &out)
        out.reply(.done, to: .session(s), for: request)
    }

    /// Ends a lease for any reason: stops the holder's gestures and releases what its
    /// devices hold when the lease held resources, tells the holder, audits. The queue
    /// advances at the end of `handle`.
    mutating func endLease(_ id: LeaseID, _ why: Rejection, notify: Bool = true, into out: inout some EngineOutput) {
        guard let l = leases[id] else { return }
        leases.end(id, why.code)
        if l.state.holdsResources {
            cancelSeatWork(of: l.holder, because: why, reply: true, into: &out)
            neutralize(l.holder, pointer: l.resources.pointer, keyboard: l.resources.keyboard, into: &out)
        }
        if notify && sessions[l.holder] != nil { out.notify(.ended(id, why), to: l.holder) }
        out.audit(AuditEvent(time: now, identity: profiles[l.holder]?.identity, lease: id, action: "lease",
                             points: corners(l.region), decision: AuditDecision(ending: why.code), reason: why.code, message: why.message))
    }

    /// Grants every waiter nothing blocks any more, and tells each.
    mutating func advanceQueue(into out: inout some EngineOutput) {
        for id in leases.advance(at: now) {
            guard let l = leases[id] else { continue }
            out.notify(.granted(info(l)), to: l.holder)
            focusOwnSeatOnGrant(l, into: &out)
            out.audit(AuditEvent(time: now, identity: profiles[l.holder]?.identity, lease: id, action: "acquire",
                                 points: corners(l.region), decision: .granted, reason: nil,
                                 message: "lease \(id) granted from the queue: \(l.resources)"))
        }
    }

    mutating func windowMoved(_ w: WindowID, to geometry: Region?, into out: inout some EngineOutput) {
        guard let geometry else {
            for l in leases.all where l.resources.area.window == w {
                endLease(l.id, Rejection(.windowClosed, "lease \(l.id) ended: \(w) went away"), into: &out)
            }
            return
        }
        for id in leases.move(window: w, to: geometry) {
            guard let l = leases[id] else { continue }
            if l.state.holdsResources, let b = leases.blocker(for: l.resources, holder: l.holder, sequence: l.sequence),
               !b.isWaiter {
                endLease(id, Rejection(.conflict, "lease \(id) ended: \(w) moved to \(geometry), over \(name(b.lease.holder))'s "
                    + "lease \(b.lease.id); acquire again"), into: &out)
            } else {
                // Frames compiled for the old geometry must not play at the new one.
                cancelSeatWork(of: l.holder, because: Rejection(.outsideRegion, "\(w) moved to \(geometry); "
                    + "send the gesture again for the new position"), reply: true, into: &out)
                out.notify(.moved(id, geometry), to: l.holder)
            }
        }
    }

    func info(_ l: Lease) -> LeaseInfo {
        LeaseInfo(id: l.id, holder: profiles[l.holder]?.identity ?? AgentIdentity(name: "?", session: l.holder),
                  resources: l.resources, state: l.state, requestedAt: l.requestedAt, grantedAt: l.grantedAt,
                  expiresAt: l.expiresAt, queuePosition: leases.queuePosition(of: l.id))
    }

    func corners(_ r: Region) -> [Point] {
        [Point(x: r.x, y: r.y), Point(x: r.x &+ r.width, y: r.y &+ r.height)]
    }
}

extension AuditDecision {
    /// How the audit log names the end of a lease.
    init(ending reason: ReasonCode) {
        switch reason {
        case .released, .disconnected: self = .released
        case .ttlExpired, .maxHold, .queueTimeout: self = .expired
        case .reassigned: self = .reassigned
        case .approvalDenied: self = .denied
        default: self = .revoked
        }
    }
}
