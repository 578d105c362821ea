/// The sentences behind reason codes: what happened, who is involved, what to do next.
/// Built only when something is refused, never on the allowed path.
extension Engine {
    func name(_ session: SessionID) -> String {
        profiles[session].map { "\($0.identity)" } ?? "session #\(session)"
    }

    /// The gate's refusal as a sentence.
    public func explain(_ f: GateFailure, gesture: Gesture, session: SessionID) -> Rejection {
        let kind = gesture.kind
        let what = switch gesture {
        case .keyChord, .keyDown, .keyUp, .hold, .type: "keys"
        default: kind
        }
        let msg: String
        switch f.code {
        case .frozen:
            msg = "frozen: the panic chord was pressed at \(config.describe(panic.frozenSince ?? now)); "
                + "every lease was revoked and agents stay frozen until an operator runs `muxctl resume`"
        case .unknownSession:
            msg = "\(kind) rejected: session #\(session) is not connected"
        case .noLease:
            msg = "\(kind) rejected: you hold no lease; acquire one covering the region first"
        case .leaseNotActive:
            let l = f.lease.flatMap { leases[$0] }
            let id = l.map { "\($0.id)" } ?? "your lease"
            let state = l.map { "\($0.state)" } ?? "not active"
            let next = switch l?.state {
            case .paused: "wait for the resumed event"
            case .queued: "wait for the granted event"
            case .pendingApproval: "wait until an operator approves it (`muxctl approve \(id)`)"
            default: "acquire a lease"
            }
            msg = "\(kind) rejected: \(id) is \(state); \(next)"
        case .outsideRegion:
            if let p = f.point, !desktop.contains(p) {
                msg = "\(kind) rejected: \(p) is outside the desktop \(desktop); use a position on it"
            } else if let p = f.point {
                let r = f.lease.flatMap { leases[$0] }.map { " \($0.region) (\($0.id))" } ?? ""
                msg = "\(kind) rejected: \(p) is outside your region\(r); use a position inside it"
            } else {
                msg = "\(kind) rejected: your pointer has no position yet; give a position inside your region"
            }
        case .noKeyboardLease:
            msg = "\(what) rejected: you hold no active keyboard lease; acquire one (keyboard: true) bound to your region"
        case .focusUnproven:
            let r = f.lease.flatMap { leases[$0] }.map { "\($0.region)" } ?? "your region"
            if let change = focus.lastChange, let at = focus.lastChangeAt,
               !(focus.holder == nil && change == .agentClick(session)) {
                msg = "\(what) rejected: focus may have left your region (\(describe(change)) at \(config.describe(at))); "
                    + "click inside \(r) first"
            } else {
                msg = "\(what) rejected: nothing proves focus is in your region yet; click inside \(r) first"
            }
        case .focusElsewhere:
            msg = "\(what) rejected: " + focusElsewhere(lease: f.lease)
        case .pausedHuman:
            let until = pausedUntil(session).map { " until \(config.describe($0))" } ?? ""
            let touched = pausedByAnyInput(session) ? "" : " in your lease"
            msg = "paused: human input\(touched)\(until); nothing was sent, retry after the resumed event"
        case .rateLimited:
            let s = sessions[session]
            let wait = s.map { $0.bucket.wait(at: now) } ?? .zero
            let rate = s.map { "\($0.bucket.limit.perSecond)" } ?? "?"
            msg = "rate limited: more than \(rate) gestures per second; retry in \(wait)"
        case .tooLarge:
            let unit = switch gesture {
            case .type: "characters"
            case .drag: "path points"
            case .wait, .hold: "ms"
            case .raw: "frames or events per frame"
            default: "keys"
            }
            msg = "\(kind) too large: \(f.size) \(unit), the maximum is \(f.limit); split it"
        case .badGesture:
            msg = switch gesture {
            case .drag: "drag rejected: the path is empty; give at least one point"
            case .raw: "raw rejected: pointer frames may carry ABS_X/ABS_Y, buttons and wheels only, with a position"
            default: "\(kind) rejected: malformed gesture"
            }
        default:
            msg = "\(kind) rejected (\(f.code.rawValue))"
        }
        return Rejection(f.code, msg)
    }

    func describe(_ change: FocusEvidence.Change) -> String {
        switch change {
        case .humanClick: "human click"
        case .humanChord: "human Alt/Super chord"
        case .agentClick(let s): "click by agent \(name(s))"
        case .agentChord(let s): "Alt/Super chord by agent \(name(s))"
        case .windowSystem(let w?): "the window system focused \(w)"
        case .windowSystem(nil): "the window system reported no focused window"
        case .agentPointer(let s): "pointer gesture by agent \(name(s))"
        }
    }

    /// Window-system mode: where the focus is instead of the lease's window or region.
    func focusElsewhere(lease: LeaseID?) -> String {
        let area = lease.flatMap { leases[$0] }.map { "\($0.resources.area)" } ?? "your lease"
        let since = focus.lastChangeAt.map { " since \(config.describe($0))" } ?? ""
        let there: String
        switch (focus.reported, focus.lastChange) {
        case (nil, _): there = "the window system has not reported a focused window yet"
        case (let r?, .agentPointer(let s)?) where r.window == nil:
            there = "focus may have followed the \(describe(.agentPointer(s)))\(since) out of any leased window"
        case (let r?, .agentPointer(let s)?):
            there = "the focus went to \(r.window!) with the \(describe(.agentPointer(s)))\(since)"
        case (let r?, _):
            there = r.window.map { "the focused window is \($0)\(r.geometry.map { " at \($0)" } ?? "")" } ?? "no window has the focus"
        }
        return "\(there), not \(area); click inside your window first"
    }

    /// "what ends it": the ways a blocking lease goes away.
    func endings(of l: Lease) -> String {
        let who = profiles[l.holder].map { "\"\($0.identity.name)\"" } ?? "its holder"
        if l.state == .queued || l.state == .pendingApproval {
            return "it goes when \(who)'s request is granted and released, times out, or is withdrawn"
        }
        var ttl = "its TTL lapses"
        if let e = l.expiresAt { ttl += " (\(config.describe(e)) without heartbeat)" }
        var maxHold = ""
        if let m = config.maximumHold, let g = l.grantedAt { maxHold = ", its maximum hold ends at \(config.describe(g + m))" }
        return "it ends when \(who) releases, \(ttl)\(maxHold), or an operator revokes it"
    }

    /// The sentence for a denial or a queue placement (DESIGN §2).
    func conflictSentence(verb: String, requester: SessionID, resources: LeaseResources,
                          blocker b: LeaseTable.Blocker, position: Int, waiting: Bool) -> String {
        let asked = switch b.conflict {
        case .keyboard: "the keyboard"
        case .region: "\(resources.area)"
        }
        let relation = switch b.conflict {
        case .keyboard: "held by"
        case .region: "overlapping"
        }
        let owner = name(b.lease.holder)
        let since: String
        if b.isWaiter {
            since = "waiting since \(config.describe(b.lease.requestedAt))"
        } else {
            since = "held since \(config.describe(b.lease.grantedAt ?? b.lease.requestedAt))"
        }
        let pos = waiting ? "queue position \(position)" : "you would be queue position \(position) with mode wait"
        let whose = b.isWaiter ? "earlier request" : "lease"
        return "lease \(verb): agent \(name(requester)) requested \(asked) \(relation) \(owner)'s \(whose) \(b.lease.id) "
            + "(\(since), \(pos)); \(endings(of: b.lease))"
    }
}
