/// Every live lease (not yet ended) and the FIFO queue of waiters.
///
/// Pure bookkeeping: it decides who conflicts with whom and who is next, and leaves
/// telling anyone to the `Engine`. Ended leases are removed; their story lives in the
/// audit log.
public struct LeaseTable: Sendable {
    /// Each session's live leases, in request order. Leases live with their holder so the
    /// gate finds everything about a session with one lookup and no per-lease hashing.
    public private(set) var bySession = SessionMap<[Lease]>()
    /// Who holds each live lease, to find it by id.
    private var owner: [LeaseID: SessionID] = [:]
    /// The waiters, first come first, with what they wait for, so walking the queue
    /// needs no lookups.
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 1
    private var nextSequence: UInt64 = 1
    /// What was released (or left the queue) since the last `advance`: only waiters that
    /// conflict with one of these can have become grantable.
    private var freed: [LeaseResources] = []
    /// Waiters to examine whatever was freed (just queued or approved).
    private var candidates: [LeaseID] = []
    /// No live lease lapses before this (a lower bound, exact after each `lapsed` scan),
    /// so timers cost nothing until something can actually lapse.
    private var earliest: Instant?
    /// Kept here so every grant notes its maximum-hold deadline.
    public let maximumHold: Duration?

    struct Waiter: Hashable, Sendable {
        var id: LeaseID
        var holder: SessionID
        var sequence: UInt64
        var resources: LeaseResources
    }

    /// Every lease holding resources (active or paused), flat, so conflict scans over
    /// hundreds of sessions are one tight loop.
    private var holders: [Waiter] = []
    /// How many live leases follow each window (the X11 adapter stops watching a window
    /// no lease follows any more).
    private var windowLeases: [WindowID: Int] = [:]

    /// Queued leases, first come first.
    public var queue: [LeaseID] { waiters.map(\.id) }

    public init(maximumHold: Duration? = nil) { self.maximumHold = maximumHold }

    private mutating func note(_ t: Instant?) {
        if let t, earliest == nil || t < earliest! { earliest = t }
    }

    private mutating func noteGrant(_ l: Lease) {
        note(l.expiresAt)
        if let m = maximumHold, let g = l.grantedAt { note(g + m) }
    }

    public subscript(id: LeaseID) -> Lease? {
        guard let s = owner[id] else { return nil }
        return bySession[s]?.first { $0.id == id }
    }

    /// Every live lease, by id (for status and tests; the gate never builds this).
    public var leases: [LeaseID: Lease] {
        var d: [LeaseID: Lease] = [:]
        for list in bySession.values { for l in list { d[l.id] = l } }
        return d
    }

    /// Every live lease, oldest id first.
    public var all: [Lease] { bySession.values.flatMap { $0 }.sorted { $0.id < $1.id } }

    public var isEmpty: Bool { owner.isEmpty }

    /// True while a live lease (in any state) follows `window`.
    public func follows(_ window: WindowID) -> Bool { windowLeases[window] != nil }

    /// The session's live leases (any state), in request order.
    public func leases(of session: SessionID) -> [Lease] { bySession[session] ?? [] }

    /// Changes one lease in place.
    private mutating func update(_ id: LeaseID, _ body: (inout Lease) -> Void) {
        guard let s = owner[id] else { return }
        bySession.update(s) { list in
            if let i = list.firstIndex(where: { $0.id == id }) { body(&list[i]) }
        }
    }

    /// What stands in the way of a request: a holder, or an earlier conflicting waiter.
    public struct Blocker: Hashable, Sendable {
        public var lease: Lease
        public var conflict: LeaseResources.Conflict
        /// True when the blocker is an earlier waiter rather than a holder (FIFO).
        public var isWaiter: Bool
    }

    /// The first holder conflicting with `resources`, else the first earlier waiter that
    /// does (a later request must not jump an earlier conflicting one). A session never
    /// conflicts with itself.
    public func blocker(for resources: LeaseResources, holder: SessionID, sequence: UInt64) -> Blocker? {
        var best: (Waiter, LeaseResources.Conflict)?
        for h in holders where h.holder != holder {
            if let c = resources.conflict(with: h.resources), best == nil || h.sequence < best!.0.sequence { best = (h, c) }
        }
        if let (h, c) = best, let lease = self[h.id] { return Blocker(lease: lease, conflict: c, isWaiter: false) }
        for w in waiters where w.sequence < sequence && w.holder != holder {
            if let c = resources.conflict(with: w.resources), let lease = self[w.id] {
                return Blocker(lease: lease, conflict: c, isWaiter: true)
            }
        }
        return nil
    }

    /// A lease of another session than `holder`, other than `excluded`, that holds
    /// resources conflicting with `resources` (waiters ignored): what would make handing
    /// `excluded`'s resources to `holder` put two holders on the same pixels.
    public func holderConflict(for resources: LeaseResources, holder: SessionID, excluding excluded: LeaseID) -> Lease? {
        for h in holders where h.holder != holder && h.id != excluded && resources.conflict(with: h.resources) != nil {
            return self[h.id]
        }
        return nil
    }

    /// 1-based position among the waiters this request is behind: one plus the earlier
    /// conflicting waiters.
    public func queuePosition(for resources: LeaseResources, holder: SessionID, sequence: UInt64) -> Int {
        var n = 1
        for w in waiters where w.sequence < sequence && w.holder != holder && resources.conflict(with: w.resources) != nil {
            n += 1
        }
        return n
    }

    public func queuePosition(of id: LeaseID) -> Int? {
        guard let l = self[id], l.state == .queued else { return nil }
        return queuePosition(for: l.resources, holder: l.holder, sequence: l.sequence)
    }

    /// The sequence number the next request will get (for "would be queue position N").
    public var upcomingSequence: UInt64 { nextSequence }

    /// Records a new request in `state` (`.pendingApproval`, `.queued` or `.active`).
    public mutating func add(holder: SessionID, request: RequestID, _ req: LeaseRequest, ttl: Duration,
                             state: LeaseState, at now: Instant) -> LeaseID {
        let id = LeaseID(nextID)
        nextID += 1
        var lease = Lease(id: id, holder: holder, resources: req.resources, state: state, mode: req.mode,
                          request: request, requestedAt: now, grantedAt: nil, ttl: ttl, expiresAt: nil,
                          queueDeadline: nil, sequence: nextSequence)
        nextSequence += 1
        if case .wait(let timeout?) = req.mode { lease.queueDeadline = now + timeout }
        note(lease.queueDeadline)
        owner[id] = holder
        if let w = req.resources.area.window { windowLeases[w, default: 0] += 1 }
        if bySession.update(holder, { $0.append(lease) }) == nil { bySession[holder] = [lease] }
        if state == .active { activate(id, at: now) }
        if state == .queued {
            waiters.append(Waiter(id: id, holder: holder, sequence: lease.sequence, resources: lease.resources))
            candidates.append(id)
        }
        return id
    }

    /// Moves a pending lease into the queue (after approval), keeping its request order.
    public mutating func enqueue(_ id: LeaseID) {
        guard let l = self[id], l.state != .queued else { return }
        update(id) { $0.state = .queued }
        let at = waiters.firstIndex { $0.sequence > l.sequence } ?? waiters.endIndex
        waiters.insert(Waiter(id: id, holder: l.holder, sequence: l.sequence, resources: l.resources), at: at)
        candidates.append(id)
    }

    /// Grants a lease: it becomes active with a fresh TTL.
    public mutating func activate(_ id: LeaseID, at now: Instant) {
        waiters.removeAll { $0.id == id }
        update(id) { l in
            l.state = .active
            l.grantedAt = now
            l.expiresAt = now + l.ttl
            l.queueDeadline = nil
        }
        if let l = self[id] {
            noteGrant(l)
            if !holders.contains(where: { $0.id == id }) {
                holders.append(Waiter(id: id, holder: l.holder, sequence: l.sequence, resources: l.resources))
            }
        }
    }

    /// Pause or resume a held lease (both still hold its resources).
    public mutating func setState(_ id: LeaseID, _ state: LeaseState) {
        update(id) { $0.state = state }
        if !state.holdsResources { holders.removeAll { $0.id == id } }
    }

    /// Renews the TTL of every lease the session holds (heartbeat or activity).
    public mutating func renew(session: SessionID, at now: Instant) {
        var soonest: Instant?
        bySession.update(session) { list in
            for i in list.indices where list[i].state.holdsResources {
                let e = now + list[i].ttl
                list[i].expiresAt = e
                if soonest == nil || e < soonest! { soonest = e }
            }
        }
        note(soonest)
    }

    /// Updates the geometry of every lease following `window`; returns the ids it moved.
    public mutating func move(window: WindowID, to geometry: Region) -> [LeaseID] {
        var moved: [LeaseID] = []
        for l in all where l.resources.area.window == window {
            update(l.id) { $0.resources.area = .window(window, geometry: geometry) }
            moved.append(l.id)
            freed.append(l.resources)   // where it was
            if let i = holders.firstIndex(where: { $0.id == l.id }) { holders[i].resources.area = .window(window, geometry: geometry) }
            if let i = waiters.firstIndex(where: { $0.id == l.id }) {
                waiters[i].resources.area = .window(window, geometry: geometry)
                candidates.append(l.id)
            }
        }
        return moved.sorted()
    }

    /// Removes a lease for good and returns it, marked with how it ended.
    @discardableResult
    public mutating func end(_ id: LeaseID, _ reason: ReasonCode) -> Lease? {
        guard let s = owner.removeValue(forKey: id),
              var l = bySession.update(s, { list in list.firstIndex { $0.id == id }.map { list.remove(at: $0) } }) ?? nil
        else { return nil }
        if bySession[s]?.isEmpty == true { bySession[s] = nil }
        if let w = l.resources.area.window {
            let n = (windowLeases[w] ?? 1) - 1
            windowLeases[w] = n > 0 ? n : nil
        }
        waiters.removeAll { $0.id == id }
        holders.removeAll { $0.id == id }
        // A holder frees what it held; a waiter stops blocking those behind it.
        if l.state.holdsResources || l.state == .queued { freed.append(l.resources) }
        l.state = .ended(reason)
        return l
    }

    /// Grants every waiter nothing blocks any more, in FIFO order, and returns them.
    ///
    /// One pass over the queue: a waiter is examined only if something it conflicts with
    /// was freed since the last pass (or it just joined); it is blocked by an earlier
    /// waiter of another session (checked first: a queue of identical requests costs one
    /// comparison each) or by a holder.
    public mutating func advance(at now: Instant) -> [LeaseID] {
        guard !freed.isEmpty || !candidates.isEmpty else { return [] }
        defer {
            freed.removeAll(keepingCapacity: true)
            candidates.removeAll(keepingCapacity: true)
        }
        var granted: [LeaseID] = []
        var earlier: [Waiter] = []
        for w in waiters {
            let examine = candidates.contains(w.id) || freed.contains { w.resources.conflict(with: $0) != nil }
            if examine,
               !earlier.reversed().contains(where: { $0.holder != w.holder && w.resources.conflict(with: $0.resources) != nil }),
               !heldConflict(w.resources, holder: w.holder) {
                granted.append(w.id)
                update(w.id) { l in
                    l.state = .active
                    l.grantedAt = now
                    l.expiresAt = now + l.ttl
                    l.queueDeadline = nil
                }
                if let l = self[w.id] { noteGrant(l) }
                holders.append(w)
            }
            // Granted or not, it now stands before everyone behind it.
            earlier.append(w)
        }
        if !granted.isEmpty { waiters.removeAll { granted.contains($0.id) } }
        return granted
    }

    /// Whether a lease of another session holds something conflicting with `resources`.
    private func heldConflict(_ resources: LeaseResources, holder: SessionID) -> Bool {
        holders.contains { $0.holder != holder && resources.conflict(with: $0.resources) != nil }
    }

    /// Leases whose time is up at `now`: waiters past their timeout, holders past their
    /// TTL or the maximum hold time. Scans only when something can have lapsed.
    public mutating func lapsed(at now: Instant) -> [(LeaseID, ReasonCode)] {
        guard let e = earliest, now >= e else { return [] }
        var out: [(LeaseID, ReasonCode)] = []
        var next: Instant?
        func consider(_ t: Instant?) {
            if let t, next == nil || t < next! { next = t }
        }
        for list in bySession.values {
            for l in list {
                if l.state.holdsResources {
                    if let max = maximumHold, let g = l.grantedAt, now >= g + max {
                        out.append((l.id, .maxHold))
                    } else if let e = l.expiresAt, now >= e {
                        out.append((l.id, .ttlExpired))
                    } else {
                        consider(l.expiresAt)
                        if let max = maximumHold, let g = l.grantedAt { consider(g + max) }
                    }
                } else if let d = l.queueDeadline {
                    if now >= d { out.append((l.id, .queueTimeout)) } else { consider(d) }
                }
            }
        }
        // Whatever lapsed now is ended or renewed by the engine (a renewal notes itself).
        earliest = next
        if out.count > 1 { out.sort { $0.0 < $1.0 } }
        return out
    }

    /// The earliest moment `lapsed` may return something (possibly a little early).
    public var nextDeadline: Instant? { earliest }
}
