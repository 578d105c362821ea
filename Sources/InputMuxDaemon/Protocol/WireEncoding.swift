import InputMuxCore
import InputMuxWire

/// Engine results as wire JSON. Instants are sent as milliseconds on the daemon's
/// monotonic clock (`*_ms`), plus the wall-clock text where the engine knows it.
public enum WireEncoding {
    public static func region(_ r: Region) -> JSONValue {
        ["x": .int(Int64(r.x)), "y": .int(Int64(r.y)), "width": .int(Int64(r.width)), "height": .int(Int64(r.height)),
         "text": .string(r.description)]
    }

    static func ms(_ t: Instant) -> JSONValue { .int(t.nanoseconds / 1_000_000) }

    public static func identity(_ i: AgentIdentity) -> JSONValue {
        ["name": .string(i.name), "session": .int(Int64(i.session.rawValue)), "uid": .int(Int64(i.uid)),
         "gid": .int(Int64(i.gid)), "pid": .int(Int64(i.pid)), "exe": .string(i.exe)]
    }

    static func state(_ s: LeaseState) -> JSONValue {
        switch s {
        case .pendingApproval: "pending_approval"
        case .queued: "queued"
        case .active: "active"
        case .paused: "paused"
        case .ended: "ended"
        }
    }

    public static func lease(_ l: LeaseInfo) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(l.id.description), "holder": identity(l.holder), "state": state(l.state),
            "region": region(l.resources.region), "pointer": .bool(l.resources.pointer),
            "keyboard": .bool(l.resources.keyboard), "requested_ms": ms(l.requestedAt),
        ]
        if case .ended(let r) = l.state { o["ended_reason"] = .string(r.rawValue) }
        if let w = l.resources.area.window { o["window"] = .int(Int64(bitPattern: w.rawValue)) }
        if let g = l.grantedAt { o["granted_ms"] = ms(g) }
        if let e = l.expiresAt { o["expires_ms"] = ms(e) }
        if let p = l.queuePosition { o["position"] = .int(Int64(p)) }
        return .object(o)
    }

    public static func rejection(_ r: Rejection) -> JSONValue {
        ["code": .string(r.code.rawValue), "message": .string(r.message)]
    }

    public static func status(_ s: StatusSnapshot) -> JSONValue {
        var o: [String: JSONValue] = [
            "time_ms": ms(s.time),
            "held": .array(s.held.map(lease)),
            "waiting": .array(s.waiting.map(lease)),
            "sessions": .array(s.sessions.map(identity)),
            "seat_queue": .int(Int64(s.seatQueueLength)),
            "cancel_targets": .array(s.cancelTargets.map { .string($0.description) }),
            "desktop": region(s.desktop),
        ]
        if let q = s.humanQuietAt { o["human_quiet_ms"] = ms(q) }
        if let f = s.frozenSince { o["frozen_since_ms"] = ms(f) }
        if let b = s.seatBusyWith { o["seat_busy_with"] = .int(Int64(b.rawValue)) }
        if !s.seats.isEmpty {
            o["seats"] = .array(s.seats.map { seat in
                var e: [String: JSONValue] = ["session": .int(Int64(seat.session.rawValue)), "name": .string(seat.name),
                                              "busy": .bool(seat.busy), "queue": .int(Int64(seat.queueLength))]
                if let p = seat.pausedUntil { e["human_quiet_ms"] = ms(p) }
                return .object(e)
            })
        }
        return .object(o)
    }

    /// The hello's `seat`: `{"mode":"own","name":…}` or `{"mode":"shared","reason":…}`.
    public static func seat(_ a: SeatAssignment) -> JSONValue {
        switch a {
        case .own(let name): ["mode": "own", "name": .string(name)]
        case .shared(let reason): ["mode": "shared", "reason": .string(reason)]
        }
    }

    /// `{"type":"reply","id":…,"ok":…,…}`
    public static func reply(_ r: Reply, id: RequestID) -> JSONValue {
        var o: [String: JSONValue] = ["type": "reply", "id": .int(Int64(id.rawValue))]
        switch r {
        case .granted(let l):
            o["ok"] = true; o["result"] = ["state": "active", "lease": lease(l)]
        case .queued(let l, let position, let reason):
            o["ok"] = true
            o["result"] = ["state": "queued", "lease": lease(l), "position": .int(Int64(position)), "reason": .string(reason)]
        case .pendingApproval(let l, let reason):
            o["ok"] = true; o["result"] = ["state": "pending_approval", "lease": lease(l), "reason": .string(reason)]
        case .done:
            o["ok"] = true; o["result"] = ["done": true]
        case .status(let s):
            o["ok"] = true; o["result"] = status(s)
        case .rejected(let rej):
            o["ok"] = false; o["error"] = rejection(rej)
        case .captured:
            // A capture's reply carries its image, which only the loop holds: it writes
            // it with `captured(…)` and never through here.
            o["ok"] = false
            o["error"] = rejection(Rejection(.captureFailed, "capture failed: the image was not attached to its reply; capture again"))
        }
        return .object(o)
    }

    /// How a capture's image travels in its reply: base64 in `data`, or a descriptor
    /// passed with the line (`"fd":true`).
    public enum CapturePayload: Sendable {
        case inline(base64: String)
        case descriptor
    }

    /// A made capture's reply (docs/PROTOCOL.md, capture): what was shown, the image's
    /// size, format, hash and transform, the settle, and the image or `"fd":true`.
    public static func captured(_ lease: LeaseID, _ facts: CaptureFacts, origin: Point, scaleX: Double, scaleY: Double,
                                payload: CapturePayload, id: RequestID) -> JSONValue {
        var result: [String: JSONValue] = [
            "lease": .string(lease.description), "rect": region(facts.rect),
            "width": .int(Int64(facts.width)), "height": .int(Int64(facts.height)), "format": .string(facts.format),
            "bytes": .int(Int64(facts.bytes)), "sha256": .string(facts.sha256),
            "transform": ["origin_x": .int(Int64(origin.x)), "origin_y": .int(Int64(origin.y)),
                          "scale_x": .double(scaleX), "scale_y": .double(scaleY)],
        ]
        if let settled = facts.settled {
            result["settle"] = ["waited_ms": .int(facts.waited.nanosecondCount / 1_000_000), "settled": .bool(settled)]
        }
        switch payload {
        case .inline(let base64): result["data"] = .string(base64)
        case .descriptor: result["fd"] = true
        }
        return ["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true, "result": .object(result)]
    }

    public static func error(_ e: WireError, id: RequestID?) -> JSONValue {
        var o: [String: JSONValue] = ["type": "reply", "ok": false, "error": e.json]
        o["id"] = id.map { .int(Int64($0.rawValue)) } ?? .null
        return .object(o)
    }

    /// `{"type":"event","event":…,…}`
    public static func event(_ e: LeaseEvent) -> JSONValue {
        var o: [String: JSONValue] = ["type": "event"]
        func kind(_ k: EventKind) { o["event"] = .string(k.rawValue) }
        switch e {
        case .granted(let l): kind(.granted); o["lease"] = lease(l)
        case .ended(let id, let why):
            kind(why.code == .revoked ? .revoked : .ended)
            o["lease"] = .string(id.description); o["reason"] = rejection(why)
        case .paused(let id, let why): kind(.paused); o["lease"] = .string(id.description); o["reason"] = rejection(why)
        case .resumed(let id): kind(.resumed); o["lease"] = .string(id.description)
        case .moved(let id, let r): kind(.moved); o["lease"] = .string(id.description); o["region"] = region(r)
        case .humanActive(let why): kind(.paused); o["reason"] = rejection(why)
        case .humanQuiet: kind(.resumed)
        case .frozen(let why): kind(.frozen); o["reason"] = rejection(why)
        case .unfrozen: kind(.unfrozen)
        }
        return .object(o)
    }

    /// `{"type":"event","event":"desktop",…}`: the desktop's layout changed; `devices` are
    /// the session's device nodes from now on.
    public static func desktop(_ r: Region, devices: [String: String]) -> JSONValue {
        ["type": "event", "event": .string(EventKind.desktop.rawValue), "desktop": region(r), "devices": .object(devices.mapValues { .string($0) })]
    }

    /// The control socket's `status` `foreign_input` (X11 adapter): how many inputs other
    /// XTest clients injected, and the latest.
    public static func foreignInput(count: Int, last: (time: Instant, what: String, position: Point?)?) -> JSONValue {
        var o: [String: JSONValue] = ["count": .int(Int64(count))]
        if let last {
            var l: [String: JSONValue] = ["time_ms": ms(last.time), "what": .string(last.what)]
            if let p = last.position { l["x"] = .int(Int64(p.x)); l["y"] = .int(Int64(p.y)) }
            o["last"] = .object(l)
        }
        return .object(o)
    }

    /// One audit decision for `monitor` subscribers.
    public static func audit(_ a: AuditEvent) -> JSONValue {
        var o: [String: JSONValue] = [
            "type": "event", "event": .string(EventKind.audit.rawValue), "time_ms": ms(a.time), "action": .string(a.action),
            "decision": .string(a.decision.rawValue), "message": .string(a.message),
            "points": .array(a.points.map { [.int(Int64($0.x)), .int(Int64($0.y))] }),
        ]
        if let i = a.identity { o["agent"] = identity(i) }
        if let l = a.lease { o["lease"] = .string(l.description) }
        if let r = a.reason { o["reason"] = .string(r.rawValue) }
        if let t = a.text { o["text"] = ["length": .int(Int64(t.length)), "hmac": .string(t.hmac)] }
        if let c = a.capture {
            var capture: [String: JSONValue] = [
                "rect": region(c.rect), "width": .int(Int64(c.width)), "height": .int(Int64(c.height)),
                "format": .string(c.format), "bytes": .int(Int64(c.bytes)), "sha256": .string(c.sha256),
                "settle_ms": .int(c.waited.nanosecondCount / 1_000_000),
            ]
            if let s = c.settled { capture["settled"] = .bool(s) }
            o["capture"] = .object(capture)
        }
        return .object(o)
    }
}
