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
    /// Queued leases, first come first.
    public private(set) var queue: [LeaseID] = []
    private var nextID: UInt64 = 1
    private var nextSequence: UInt64 = 1
    /// Set when something may have freed resources or joined the queue: `advance` is
    /// O(waiters × leases), so it only runs when it can grant something.
    private var mayAdvance = false

    public init() {}

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
        var best: Blocker?
        for (s, list) in bySession where s != holder {
            for lease in list where lease.state.holdsResources {
                if let c = resources.conflict(with: lease.resources), best == nil || lease.sequence < best!.lease.sequence {
                    best = Blocker(lease: lease, conflict: c, isWaiter: false)
                }
            }
        }
        if best != nil { return best }
        for id in queue {
            guard let w = self[id], w.sequence < sequence, w.holder != holder else { continue }
            if let c = resources.conflict(with: w.resources) { return Blocker(lease: w, conflict: c, isWaiter: true) }
        }
        return nil
    }

    /// A lease of another session than `holder`, other than `excluded`, that holds
    /// resources conflicting with `resources` (waiters ignored): what would make handing
    /// `excluded`'s resources to `holder` put two holders on the same pixels.
    public func holderConflict(for resources: LeaseResources, holder: SessionID, excluding excluded: LeaseID) -> Lease? {
        for (s, list) in bySession where s != holder {
            for l in list where l.id != excluded && l.state.holdsResources && resources.conflict(with: l.resources) != nil {
                return l
            }
        }
        return nil
    }

    /// 1-based position among the waiters this request is behind: one plus the earlier
    /// conflicting waiters.
    public func queuePosition(for resources: LeaseResources, holder: SessionID, sequence: UInt64) -> Int {
        var n = 1
        for id in queue {
            guard let w = self[id], w.sequence < sequence, w.holder != holder else { continue }
            if resources.conflict(with: w.resources) != nil { n += 1 }
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
        owner[id] = holder
        if bySession.update(holder, { $0.append(lease) }) == nil { bySession[holder] = [lease] }
        if state == .active { activate(id, at: now) }
        if state == .queued { queue.append(id); mayAdvance = true }
        return id
    }

    /// Moves a pending lease into the queue (after approval), keeping its request order.
    public mutating func enqueue(_ id: LeaseID) {
        guard let l = self[id], l.state != .queued else { return }
        update(id) { $0.state = .queued }
        let at = queue.firstIndex { (self[$0]?.sequence ?? 0) > l.sequence } ?? queue.endIndex
        queue.insert(id, at: at)
        mayAdvance = true
    }

    /// Grants a lease: it becomes active with a fresh TTL.
    public mutating func activate(_ id: LeaseID, at now: Instant) {
        queue.removeAll { $0 == id }
        update(id) { l in
            l.state = .active
            l.grantedAt = now
            l.expiresAt = now + l.ttl
            l.queueDeadline = nil
        }
    }

    public mutating func setState(_ id: LeaseID, _ state: LeaseState) {
        update(id) { $0.state = state }
    }

    /// Renews the TTL of every lease the session holds (heartbeat or activity).
    public mutating func renew(session: SessionID, at now: Instant) {
        bySession.update(session) { list in
            for i in list.indices where list[i].state.holdsResources { list[i].expiresAt = now + list[i].ttl }
        }
    }

    /// Updates the geometry of every lease following `window`; returns the ids it moved.
    public mutating func move(window: WindowID, to geometry: Region) -> [LeaseID] {
        var moved: [LeaseID] = []
        for l in all where l.resources.area.window == window {
            update(l.id) { $0.resources.area = .window(window, geometry: geometry) }
            moved.append(l.id)
            mayAdvance = true
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
        l.state = .ended(reason)
        queue.removeAll { $0 == id }
        mayAdvance = true
        return l
    }

    /// Grants every waiter nothing blocks any more, in FIFO order, and returns them.
    public mutating func advance(at now: Instant) -> [LeaseID] {
        guard mayAdvance else { return [] }
        mayAdvance = false
        var granted: [LeaseID] = []
        for id in queue {
            guard let w = self[id], w.state == .queued else { continue }
            if blocker(for: w.resources, holder: w.holder, sequence: w.sequence) == nil {
                activate(id, at: now)
                granted.append(id)
            }
        }
        return granted
    }

    /// Leases whose time is up at `now`: waiters past their timeout, holders past their
    /// TTL or the maximum hold time.
    public func lapsed(at now: Instant, maximumHold: Duration?) -> [(LeaseID, ReasonCode)] {
        var out: [(LeaseID, ReasonCode)] = []
        for (_, list) in bySession {
            for l in list {
                if let d = l.queueDeadline, !l.state.holdsResources, now >= d {
                    out.append((l.id, .queueTimeout))
                } else if l.state.holdsResources {
                    if let max = maximumHold, let g = l.grantedAt, now >= g + max {
                        out.append((l.id, .maxHold))
                    } else if let e = l.expiresAt, now >= e {
                        out.append((l.id, .ttlExpired))
                    }
                }
            }
        }
        if out.count > 1 { out.sort { $0.0 < $1.0 } }
        return out
    }

    /// The earliest moment `lapsed` may return something.
    public func nextDeadline(maximumHold: Duration?) -> Instant? {
        var next: Instant?
        func consider(_ t: Instant?) {
            if let t, next == nil || t < next! { next = t }
        }
        for list in bySession.values {
            for l in list {
                if l.state.holdsResources {
                    consider(l.expiresAt)
                    if let max = maximumHold, let g = l.grantedAt { consider(g + max) }
                } else {
                    consider(l.queueDeadline)
                }
            }
        }
        return next
    }
}
