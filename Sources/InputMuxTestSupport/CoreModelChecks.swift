import InputMuxCore

/// The invariants of `CoreModel`, checked after every step.
extension CoreModel {
    /// What the checks need from before and after a step.
    struct Snapshot {
        var leases: [LeaseID: Lease]
        var queue: [LeaseID]
        var humanPaused: Bool
        var busy: Set<SessionID>

        init(_ e: Engine) {
            leases = e.leases.leases
            queue = e.leases.queue
            humanPaused = e.human.isPaused
            busy = []
            for k in e.seats.keys {
                busy.formUnion(e.seats[k]?.waiting.map(\.session) ?? [])
                if let r = e.seats[k]?.running { busy.insert(r.job.session) }
            }
        }

        func activeRegions(of s: SessionID) -> [Region] {
            leases.values.filter { $0.holder == s && $0.state == .active && $0.resources.pointer }.map(\.region)
        }
    }

    mutating func violation(_ what: String) {
        if violations.count < 20 { violations.append("step \(steps) at \(now) (\(currentInput)): \(what)") }
    }

    mutating func check(input: EngineInput, before: Snapshot, after: Snapshot) {
        if case .agent(_, let rid, .gesture) = input { pendingGestures.insert(rid) }
        // 1. No conflicting holders.
        let held = after.leases.values.filter { $0.state.holdsResources }.sorted { $0.id < $1.id }
        for (i, a) in held.enumerated() {
            for b in held[(i + 1)...] where a.holder != b.holder {
                if let c = a.resources.conflict(with: b.resources) {
                    violation("\(a.id) of \(a.holder) and \(b.id) of \(b.holder) both held, conflicting on \(c)")
                }
            }
        }

        // 2, 3, 6. Frames.
        for r in out.records {
            switch r {
            case .emit(let device, let frame):
                guard let s = device.session else {
                    humanMoves(frame)
                    humanFocus(frame)
                    continue
                }
                emittedAgentFrames += 1
                if before.humanPaused && after.humanPaused && !Self.isReleaseOnly(frame) {
                    violation("agent frame \(frame) to \(device) while the human is active")
                }
                if case .agentPointer = device {
                    checkPointer(frame, session: s, before: before, after: after)
                    checkLanding(frame, session: s, before: before, after: after)
                    pointerFocus(frame, session: s)
                } else {
                    checkKeyboard(frame, session: s, before: before, after: after)
                }
                if shadow.filter(frame, on: device) != frame {
                    violation("frame \(frame) to \(device) presses twice or releases what is not down")
                }
            case .reply(let who, let id, let reply):
                if case .done = reply, pendingGestures.remove(id) != nil { tally["gesture done", default: 0] += 1 }
                if case .rejected(let why) = reply, pendingGestures.remove(id) != nil, why.code == .abortedByHuman || why.code == .revoked || why.code == .panic {
                    tally["gesture aborted", default: 0] += 1
                }
                if case .rejected(let why) = reply, case .agent(_, let rid, .gesture) = input, rid == id {
                    rejectedGestures += 1
                    tally["rejected " + why.code.rawValue, default: 0] += 1
                }
                unanswered[RequestKey(who: who, id: id)] = nil
                if !replied.insert(RequestKey(who: who, id: id)).inserted {
                    violation("second reply \(reply) to \(who) request \(id)")
                }
            case .device(.create(let id)):
                kernelAbs[id.session] = Point(x: 0, y: 0)
            default: break
            }
        }

        // A session that is gone hears nothing more: its open requests need no reply.
        if case .disconnect(let s) = input {
            unanswered = unanswered.filter { $0.value != s }
        }

        // 4. A gesture the gate refused at once emitted nothing (releases of an earlier
        // lease's keys, lapsing in the same step, are not its frames).
        if case .agent(let s, let rid, .gesture) = input, !before.busy.contains(s),
           case .rejected? = out.reply(to: .session(s), for: rid),
           out.records.contains(where: { if case .emit(let d, let f) = $0 { d.session == s && !Self.isReleaseOnly(f) } else { false } }) {
            violation("gesture request \(rid) of \(s) was rejected but frames were emitted")
        }

        // 3. Nothing held without an active lease, after the session's end, or while the human is active.
        for s in Set(shadowSessions()) {
            let active = after.leases.values.contains { $0.holder == s && $0.state == .active }
            if !active || !connected.contains(s) || after.humanPaused {
                let left = shadow.held(on: .agentPointer(s)) + shadow.held(on: .agentKeyboard(s))
                if !left.isEmpty {
                    violation("\(s) still holds \(left) (active lease: \(active), connected: \(connected.contains(s)), human active: \(after.humanPaused))")
                }
            }
        }

        // 5. FIFO among conflicting requests. An operator's or orchestrator's reassign
        // hands resources over explicitly, past the queue, by design.
        var isReassign = false
        switch input {
        case .operator(_, _, .reassign), .agent(_, _, .supervise(.reassign)): isReassign = true
        default: break
        }
        for (id, l) in after.leases where !isReassign && l.state == .active && before.leases[id]?.state != .active
            && before.leases[id]?.state != .paused {
            for w in before.queue {
                guard w != id, let waiter = after.leases[w], waiter.state == .queued, waiter.holder != l.holder,
                      before.leases[w] != nil, l.resources.conflict(with: waiter.resources) != nil else { continue }
                // Only earlier requests count (lease ids are handed out in request order).
                if w < id {
                    violation("\(id) of \(l.holder) granted while earlier conflicting waiter \(w) of \(waiter.holder) still waits")
                }
            }
        }
    }

    mutating func checkPointer(_ frame: Frame, session s: SessionID, before: Snapshot, after: Snapshot) {
        var at = pointerAt[s] ?? (nil, nil)
        var hasABS = false
        for e in frame.events where e.type == EV.abs {
            hasABS = true
            if e.code == ABS.x { at.x = e.value } else if e.code == ABS.y { at.y = e.value }
        }
        pointerAt[s] = at
        // A lone release (neutralization) may happen anywhere; everything else must say
        // where it acts and lie inside a held region.
        let acts = frame.events.contains { ($0.type == EV.key && $0.value != 0) || $0.type == EV.rel || $0.type == EV.abs }
        guard acts else { return }
        guard hasABS || frame.events.allSatisfy({ $0.type == EV.key && $0.value == 0 }) else {
            violation("pointer frame \(frame) of \(s) does not say where it acts")
            return
        }
        guard let x = at.x, let y = at.y else { return }
        let p = Point(x: x, y: y)
        let regions = before.activeRegions(of: s) + after.activeRegions(of: s)
        if !regions.contains(where: { $0.contains(p) }) {
            violation("pointer frame \(frame) of \(s) at \(p) outside its active regions \(regions)")
        }
    }

    /// A human's relative motion moves the seat cursor (clamped to the desktop).
    mutating func humanMoves(_ frame: Frame) {
        for e in frame.events where e.type == EV.rel {
            if e.code == REL.x { seatCursor.x = min(max(seatCursor.x &+ e.value, desktop.x), desktop.x + desktop.width - 1) }
            if e.code == REL.y { seatCursor.y = min(max(seatCursor.y &+ e.value, desktop.y), desktop.y + desktop.height - 1) }
        }
    }

    /// Replays an agent pointer frame through the kernel's drop rule and the one cursor,
    /// then checks that a press or wheel step happens where the cursor really is: inside
    /// the session's region.
    mutating func checkLanding(_ frame: Frame, session s: SessionID, before: Snapshot, after: Snapshot) {
        var held = kernelAbs[s] ?? Point(x: 0, y: 0)
        var moved = false
        for e in frame.events where e.type == EV.abs {
            if e.code == ABS.x, e.value != held.x { held.x = e.value; moved = true }
            if e.code == ABS.y, e.value != held.y { held.y = e.value; moved = true }
        }
        kernelAbs[s] = held
        if moved { seatCursor = held }
        let acts = frame.events.contains { ($0.type == EV.key && $0.value == 1) || $0.type == EV.rel }
        guard acts else { return }
        let regions = before.activeRegions(of: s) + after.activeRegions(of: s)
        if !regions.contains(where: { $0.contains(seatCursor) }) {
            violation("\(s)'s \(frame) lands at the seat cursor \(seatCursor), outside its active regions \(regions)")
        }
    }

    static func isReleaseOnly(_ f: Frame) -> Bool {
        f.events.allSatisfy { $0.type == EV.key && $0.value == 0 }
    }

    func shadowSessions() -> [SessionID] {
        shadow.devicesHolding.compactMap(\.session)
    }
}
