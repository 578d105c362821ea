import InputMuxWire

/// Every live lease (not yet ended) and the FIFO queue of waiters.
///
/// Pure bookkeeping: it decides who conflicts with whom and who is next, and leaves
/// telling anyone to the `Engine`. Ended leases are removed; their story lives in the
/// audit log.
///
/// Costs (issue 15: the table was quadratic): a lease is found by id in O(1) plus its
/// session's few leases (the engine caps them, `EngineConfig.maximumLeasesPerSession`);
/// deadlines (TTL, maximum hold, queue timeout) live in a deadline-ordered heap, so the
/// next one is read in O(1) and each lapse, renewal or end costs O(log n); a conflict
/// search reads only the holders filed near the requested region (`RegionIndex`) and
/// the few keyboard holders; a holder ends in O(1) plus its index cells, a waiter in
/// O(log n) to find plus the queue's shift.
public struct LeaseTable: Sendable {
    /// Each session's live leases, in request order. Leases live with their holder so the
    /// gate finds everything about a session with one lookup and no per-lease hashing.
    public private(set) var bySession = SessionMap<[Lease]>()
    /// Who holds each live lease, to find it by id.
    private var owner: [LeaseID: SessionID] = [:]
    /// The waiters, first come first (ascending sequence), with what they wait for, so
    /// walking the queue needs no lookups.
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 1
    private var nextSequence: UInt64 = 1
    /// What was released (or left the queue) since the last `advance`: only waiters that
    /// conflict with one of these can have become grantable.
    private var freed: [LeaseResources] = []
    /// Waiters to examine whatever was freed (just queued or approved): a handful per
    /// turn, so a plain array is cheaper to search than a hashed set.
    private var candidates: [LeaseID] = []
    /// Every live lease's next deadline: TTL or maximum hold while held, queue timeout
    /// while waiting.
    private var deadlines = DeadlineHeap()
    /// Kept here so every grant notes its maximum-hold deadline.
    public let maximumHold: Duration?

    struct Waiter: Hashable, Sendable {
        var id: LeaseID
        var holder: SessionID
        var sequence: UInt64
        var resources: LeaseResources
    }

    /// Every lease holding resources (active or paused), by id.
    private var holders: [LeaseID: Waiter] = [:]
    /// The holders filed by region, for conflict searches.
    private var holderRegions = RegionIndex()
    /// The holders that hold the keyboard (one session's at most, unless reassigned).
    private var keyboardHolders: [LeaseID] = []
    /// How many live leases follow each window (the X11 adapter stops watching a window
    /// no lease follows any more).
    private var windowLeases: [WindowID: Int] = [:]

    /// Queued leases, first come first.
    public var queue: [LeaseID] { waiters.map(\.id) }

    public init(maximumHold: Duration? = nil) { self.maximumHold = maximumHold }

    public subscript(id: LeaseID) -> Lease? {
        guard let s = owner[id] else { return nil }
        return bySession[s]?.first { $0.id == id }
    }

    /// Every live lease, by id (for status and tests; the gate never builds this).
    public var leases: [LeaseID: Lease] {
        var d: [LeaseID: Lease] = [:]
        d.reserveCapacity(owner.count)
        for list in bySession.values { for l in list { d[l.id] = l } }
        return d
    }

    /// Every live lease, oldest id first.
    public var all: [Lease] { bySession.values.flatMap { $0 }.sorted { $0.id < $1.id } }

    /// How many leases are live.
    public var count: Int { owner.count }

    public var isEmpty: Bool { owner.isEmpty }

    /// True while a live lease (in any state) follows `window`.
    public func follows(_ window: WindowID) -> Bool { windowLeases[window] != nil }

    /// The session's live leases (any state), in request order.
    public func leases(of session: SessionID) -> [Lease] { bySession[session] ?? [] }

    /// Changes one lease in place and notes its (possibly new) deadline.
    private mutating func update(_ id: LeaseID, _ body: (inout Lease) -> Void) {
        guard let s = owner[id] else { return }
        let hold = maximumHold
        let deadline: Instant?? = bySession.update(s) { list in
            guard let i = list.firstIndex(where: { $0.id == id }) else { return nil }
            body(&list[i])
            return Self.next(list[i], maximumHold: hold)
        }
        if let d = deadline { deadlines.set(id, d) }
    }

    /// The lease's next deadline: the earlier of its TTL and maximum hold while held,
    /// its queue timeout otherwise.
    private static func next(_ l: Lease, maximumHold: Duration?) -> Instant? {
        if l.state.holdsResources {
            var t = l.expiresAt
            if let m = maximumHold, let g = l.grantedAt, t == nil || g + m < t! { t = g + m }
            return t
        }
        return l.queueDeadline
    }

    /// What stands in the way of a request: a holder, or an earlier conflicting waiter.
    public struct Blocker: Hashable, Sendable {
        public var lease: Lease
        public var conflict: LeaseResources.Conflict
        /// True when the blocker is an earlier waiter rather than a holder (FIFO).
        public var isWaiter: Bool
    }

    /// The earliest (lowest sequence) holder of another session than `holder`, other than
    /// `excluded`, whose resources conflict with `resources`.
    private func firstConflictingHolder(_ resources: LeaseResources, holder: SessionID,
                                        excluding excluded: LeaseID? = nil) -> (Waiter, LeaseResources.Conflict)? {
        var best: (Waiter, LeaseResources.Conflict)?
        func consider(_ id: LeaseID) {
            guard id != excluded, let h = holders[id], h.holder != holder,
                  best == nil || h.sequence < best!.0.sequence,
                  let c = resources.conflict(with: h.resources) else { return }
            best = (h, c)
        }
        if resources.keyboard { for id in keyboardHolders { consider(id) } }
        holderRegions.forEachCandidate(overlapping: resources.region) { consider($0); return true }
        return best
    }

    /// The first holder conflicting with `resources`, else the first earlier waiter that
    /// does (a later request must not jump an earlier conflicting one). A session never
    /// conflicts with itself.
    public func blocker(for resources: LeaseResources, holder: SessionID, sequence: UInt64) -> Blocker? {
        if let (h, c) = firstConflictingHolder(resources, holder: holder), let lease = self[h.id] {
            return Blocker(lease: lease, conflict: c, isWaiter: false)
        }
        for w in waiters {
            if w.sequence >= sequence { break }
            if w.holder != holder, let c = resources.conflict(with: w.resources), let lease = self[w.id] {
                return Blocker(lease: lease, conflict: c, isWaiter: true)
            }
        }
        return nil
    }

    /// A lease of another session than `holder`, other than `excluded`, that holds
    /// resources conflicting with `resources` (waiters ignored): what would make handing
    /// `excluded`'s resources to `holder` put two holders on the same pixels.
    public func holderConflict(for resources: LeaseResources, holder: SessionID, excluding excluded: LeaseID) -> Lease? {
        firstConflictingHolder(resources, holder: holder, excluding: excluded).flatMap { self[$0.0.id] }
    }

    /// 1-based position among the waiters this request is behind: one plus the earlier
    /// conflicting waiters.
    public func queuePosition(for resources: LeaseResources, holder: SessionID, sequence: UInt64) -> Int {
        var n = 1
        for w in waiters {
            if w.sequence >= sequence { break }
            if w.holder != holder && resources.conflict(with: w.resources) != nil { n += 1 }
        }
        return n
    }

    public func queuePosition(of id: LeaseID) -> Int? {
        guard let l = self[id], l.state == .queued else { return nil }
        return queuePosition(for: l.resources, holder: l.holder, sequence: l.sequence)
    }

    /// The sequence number the next request will get (for "would be queue position N").
    public var upcomingSequence: UInt64 { nextSequence }

    /// Where the waiter with `sequence` is (or would go) in `waiters`.
    private func waiterIndex(_ sequence: UInt64) -> (index: Int, found: Bool) {
        var lo = 0, hi = waiters.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let q = waiters[mid].sequence
            if q == sequence { return (mid, true) }
            if q < sequence { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    private mutating func removeWaiter(_ l: Lease) {
        let (i, found) = waiterIndex(l.sequence)
        if found { waiters.remove(at: i) }
        if !candidates.isEmpty { candidates.removeAll { $0 == l.id } }
    }

    private mutating func addHolder(_ w: Waiter) {
        guard holders.updateValue(w, forKey: w.id) == nil else { return }
        holderRegions.insert(w.id, w.resources.region)
        if w.resources.keyboard { keyboardHolders.append(w.id) }
    }

    private mutating func removeHolder(_ id: LeaseID) {
        guard let w = holders.removeValue(forKey: id) else { return }
        holderRegions.remove(id)
        if w.resources.keyboard, let i = keyboardHolders.firstIndex(of: id) { keyboardHolders.remove(at: i) }
    }

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
        if let w = req.resources.area.window { windowLeases[w, default: 0] += 1 }
        if bySession.update(holder, { $0.append(lease) }) == nil { bySession[holder] = [lease] }
        deadlines.set(id, Self.next(lease, maximumHold: maximumHold))
        if state == .active { activate(id, at: now) }
        if state == .queued {
            // The newest sequence: it goes last.
            waiters.append(Waiter(id: id, holder: holder, sequence: lease.sequence, resources: lease.resources))
            candidates.append(id)
        }
        return id
    }

    /// Moves a pending lease into the queue (after approval), keeping its request order.
    public mutating func enqueue(_ id: LeaseID) {
        guard let l = self[id], l.state != .queued else { return }
        update(id) { $0.state = .queued }
        let (at, found) = waiterIndex(l.sequence)
        if !found { waiters.insert(Waiter(id: id, holder: l.holder, sequence: l.sequence, resources: l.resources), at: at) }
        candidates.append(id)
    }

    /// Grants a lease: it becomes active with a fresh TTL.
    public mutating func activate(_ id: LeaseID, at now: Instant) {
        guard let before = self[id] else { return }
        if before.state == .queued { removeWaiter(before) }
        update(id) { l in
            l.state = .active
            l.grantedAt = now
            l.expiresAt = now + l.ttl
            l.queueDeadline = nil
        }
        addHolder(Waiter(id: id, holder: before.holder, sequence: before.sequence, resources: before.resources))
    }

    /// Marks the lease's captures approved by an operator (sensitive regions).
    public mutating func approveCapture(_ id: LeaseID) {
        update(id) { $0.captureApproved = true }
    }

    /// Pause or resume a held lease (both still hold its resources).
    public mutating func setState(_ id: LeaseID, _ state: LeaseState) {
        update(id) { $0.state = state }
        if !state.holdsResources { removeHolder(id) }
    }

    /// Renews the TTL of every lease the session holds (heartbeat or activity).
    public mutating func renew(session: SessionID, at now: Instant) {
        guard let list = bySession[session] else { return }
        for l in list where l.state.holdsResources {
            update(l.id) { $0.expiresAt = now + $0.ttl }
        }
    }

    /// Updates the geometry of every lease following `window`; returns the ids it moved.
    public mutating func move(window: WindowID, to geometry: Region) -> [LeaseID] {
        guard windowLeases[window] != nil else { return [] }
        var moved: [LeaseID] = []
        for l in all where l.resources.area.window == window {
            update(l.id) { $0.resources.area = .window(window, geometry: geometry) }
            moved.append(l.id)
            freed.append(l.resources)   // where it was
            if var h = holders[l.id] {
                h.resources.area = .window(window, geometry: geometry)
                holders[l.id] = h
                holderRegions.insert(l.id, geometry)
            }
            if l.state == .queued {
                let (i, found) = waiterIndex(l.sequence)
                if found {
                    waiters[i].resources.area = .window(window, geometry: geometry)
                    candidates.append(l.id)
                }
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
        deadlines.remove(id)
        if l.state == .queued { removeWaiter(l) }
        if l.state.holdsResources { removeHolder(id) }
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
        var grantedAt: [Int] = []
        for (index, w) in waiters.enumerated() {
            let examine = (!candidates.isEmpty && candidates.contains(w.id)) || freed.contains { w.resources.conflict(with: $0) != nil }
            // Granted or not, every waiter before it stands before it (nearest first).
            if examine,
               !waiters[..<index].reversed().contains(where: { $0.holder != w.holder && w.resources.conflict(with: $0.resources) != nil }),
               firstConflictingHolder(w.resources, holder: w.holder) == nil {
                granted.append(w.id)
                grantedAt.append(index)
                update(w.id) { l in
                    l.state = .active
                    l.grantedAt = now
                    l.expiresAt = now + l.ttl
                    l.queueDeadline = nil
                }
                addHolder(w)
            }
        }
        if !grantedAt.isEmpty {
            // One pass: the granted leave the queue, the rest keep their order.
            var write = 0, next = 0
            for read in waiters.indices {
                if next < grantedAt.count && grantedAt[next] == read { next += 1; continue }
                if write != read { waiters[write] = waiters[read] }
                write += 1
            }
            waiters.removeLast(waiters.count - write)
        }
        return granted
    }

    /// Leases whose time is up at `now`: waiters past their timeout, holders past their
    /// TTL or the maximum hold time, in id order. Reads only the due end of the deadline
    /// heap; each returned lease leaves it (the engine ends it, or renews it, which sets
    /// its deadline again).
    public mutating func lapsed(at now: Instant) -> [(LeaseID, ReasonCode)] {
        var out: [(LeaseID, ReasonCode)] = []
        while let id = deadlines.popDue(at: now) {
            guard let l = self[id] else { continue }
            if l.state.holdsResources {
                if let max = maximumHold, let g = l.grantedAt, now >= g + max {
                    out.append((id, .maxHold))
                } else {
                    out.append((id, .ttlExpired))
                }
            } else {
                out.append((id, .queueTimeout))
            }
        }
        if out.count > 1 { out.sort { $0.0 < $1.0 } }
        return out
    }

    /// The earliest moment `lapsed` may return something.
    public var nextDeadline: Instant? { deadlines.first?.at }
}
