import InputMuxWire

/// Sight (DESIGN §5b): a session sees what its lease shows and nothing else; an
/// operator may see what any lease shows. The engine allows and orders a capture, and
/// audits it when the daemon reports it made, with the image's hash.
extension Engine {
    /// A `capture` from a session (`.session`) or an operator (`.operator`, naming the
    /// lease in `c.lease`).
    mutating func capture(_ c: CaptureRequest, for who: Requester, request: RequestID, into out: inout some EngineOutput) {
        var identity: AgentIdentity?
        if case .session(let s) = who { identity = profiles[s]?.identity }
        func refuse(_ code: ReasonCode, _ message: String, lease: LeaseID? = nil) {
            out.reply(.rejected(Rejection(code, message)), to: who, for: request)
            let actor = if case .operator(let o) = who { "\(o): " } else { "" }
            let e = AuditEvent(time: now, identity: identity, lease: lease ?? c.lease, action: "capture",
                               points: c.rect.map(Self.corners) ?? [], decision: .rejected, reason: code,
                               message: actor + message)
            if case .session = who { auditRefusal(e, into: &out) } else { out.audit(e) }
        }
        if isShutDown { return refuse(.shutdown, "capture refused: the daemon is shutting down") }
        let lease: Lease
        switch who {
        case .session(let s):
            guard let profile = profiles[s] else { return refuse(.unknownSession, "capture refused: session #\(s) is not connected") }
            guard profile.policy.rights.contains(.capture) else {
                return refuse(.captureNotAllowed, "capture refused: policy does not give \(profile.identity) the `capture` right; "
                    + "an administrator may set `capture = true` in its [[policy]] rule")
            }
            let mine = leases.leases(of: s)
            if let id = c.lease {
                guard let l = mine.first(where: { $0.id == id }) else {
                    return refuse(.unknownLease, "capture refused: \(id) is not a lease of yours; `status` lists your leases")
                }
                lease = l
            } else {
                let active = mine.filter { $0.state == .active }
                guard let l = active.first else {
                    let waiting = mine.first.map { " (\($0.id) is \($0.state))" } ?? ""
                    return refuse(.noLease, "capture refused: you hold no active lease\(waiting), and an agent sees only "
                        + "what its lease covers; acquire a region or a window first")
                }
                guard active.count == 1 else {
                    return refuse(.noLease, "capture refused: you hold \(active.count) active leases ("
                        + active.map { "\($0.id)" }.joined(separator: ", ") + "); name the one to show with `lease`")
                }
                lease = l
            }
            guard lease.state == .active else {
                return refuse(.leaseNotActive, "capture refused: \(lease.id) is \(lease.state); capture once it is active", lease: lease.id)
            }
        case .operator:
            guard let id = c.lease, let l = leases[id] else {
                return refuse(.unknownLease, "capture refused: no live lease \(c.lease.map { "\($0)" } ?? "named"); `muxctl status` lists them")
            }
            guard l.state.holdsResources else {
                return refuse(.leaseNotActive, "capture refused: \(id) is \(l.state); only a held lease shows anything", lease: id)
            }
            lease = l
        }
        let area = lease.resources.region
        if area.isEmpty, case .window(let w, _) = lease.resources.area {
            return refuse(.captureFailed, "capture failed: \(w) is not shown (on another workspace, in the scratchpad or a hidden "
                + "tab), so \(lease.id) covers nothing now; capture again once it is shown (a moved event says when)", lease: lease.id)
        }
        let rect = c.rect ?? area
        guard !rect.isEmpty, area.contains(rect) else {
            return refuse(.outsideRegion, "capture refused: \(rect) is not inside \(lease.id)'s \(lease.resources.area); "
                + "an agent sees only what its lease covers: ask for a rectangle inside \(area), or none for all of it",
                lease: lease.id)
        }
        if case .session = who, let refusal = sensitiveRefusal(rect, lease: lease) {
            return refuse(refusal.code, refusal.message, lease: lease.id)
        }
        let holder = lease.holder
        out.capture(CaptureOrder(requester: who, request: request, lease: lease.id, holder: holder, area: lease.resources.area,
                                 rect: rect, lastAction: sessions[holder]?.lastActed,
                                 cursor: c.cursor ? sessions[holder]?.pointer : nil))
    }

    /// Why a session may not see `rect` of `lease` because of a sensitive region.
    func sensitiveRefusal(_ rect: Region, lease: Lease) -> Rejection? {
        for region in config.sensitiveRegions where region.overlaps(rect) {
            let sight = config.sensitiveSight.first { $0.region == region }
            let name = sight.map { "\"\($0.name)\"" } ?? "\(region)"
            switch sight?.capture ?? .approve {
            case .allow:
                continue
            case .deny:
                return Rejection(.captureDenied, "capture refused: \(rect) shows sensitive region \(name), which policy never lets "
                    + "an agent see; ask for a rectangle of \(lease.id) that leaves \(region) out")
            case .approve where !lease.captureApproved:
                return Rejection(.captureNeedsApproval, "capture refused: \(rect) shows sensitive region \(name), which needs an "
                    + "operator's approval to capture; ask an operator to run `muxctl approve \(lease.id) --capture`, or ask "
                    + "for a rectangle that leaves \(region) out")
            case .approve:
                continue
            }
        }
        return nil
    }

    /// The daemon made (or failed to make) an ordered capture. The lease must still show
    /// that rectangle, or the image is never sent.
    mutating func captured(_ order: CaptureOrder, _ outcome: Result<CaptureFacts, Rejection>, into out: inout some EngineOutput) {
        var identity: AgentIdentity?
        if case .session(let s) = order.requester { identity = profiles[s]?.identity }
        let actor = if case .operator(let o) = order.requester { "\(o): " } else { "" }
        var result = outcome
        if case .success = result {
            let l = leases[order.lease]
            let stillShows = l.map { l in
                l.state.holdsResources && l.resources.region.contains(order.rect)
                    && (order.requester != .session(l.holder) || l.state == .active)
            } ?? false
            if !stillShows {
                let state = l.map { "is \($0.state)" } ?? "ended"
                result = .failure(Rejection(.leaseNotActive, "capture withheld: \(order.lease) \(state) while the image was made, "
                    + "so it is not sent; acquire again and capture then"))
            }
        }
        switch result {
        case .success(let facts):
            if case .session(let s) = order.requester { leases.renew(session: s, at: now) }
            out.reply(.captured(order, facts), to: order.requester, for: order.request)
            let settle = facts.settled.map { $0 ? ", settled after \(facts.waited)" : ", unsettled after \(facts.waited)" } ?? ""
            var e = AuditEvent(time: now, identity: identity, lease: order.lease, action: "capture",
                               points: Self.corners(facts.rect), decision: .allowed, reason: nil,
                               message: actor + "captured \(facts.rect) of \(order.lease) as \(facts.width)x\(facts.height) "
                                   + "\(facts.format)\(settle)")
            e.capture = facts
            out.audit(e)
        case .failure(let r):
            out.reply(.rejected(r), to: order.requester, for: order.request)
            out.audit(AuditEvent(time: now, identity: identity, lease: order.lease, action: "capture",
                                 points: Self.corners(order.rect), decision: .rejected, reason: r.code, message: actor + r.message))
        }
    }

    /// A rectangle as its top-left and bottom-right pixels, as audit records list points.
    static func corners(_ r: Region) -> [Point] {
        [Point(x: r.x, y: r.y), Point(x: r.x + r.width - 1, y: r.y + r.height - 1)]
    }
}
