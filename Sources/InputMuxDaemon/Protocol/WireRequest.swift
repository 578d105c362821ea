import InputMuxConfiguration
import InputMuxCore
import InputMuxSight
import InputMuxWire
import InputMuxX11

/// The protocol version this daemon speaks.
public let wireProtocolVersion: Int64 = 1

/// One decoded client message.
public struct WireRequest: Sendable {
    public var id: RequestID
    public var body: Body
    /// For a window lease: the window the X11 adapter must find (by id, class or title)
    /// and whose geometry it fills in before the engine sees the request.
    public var window: WindowMatch? = nil
    /// For a capture: the image's size, format, delivery and settling, which the daemon
    /// keeps while the engine decides whether it may be made.
    public var capture: CaptureOptions? = nil

    public enum Body: Sendable {
        case hello(version: Int64, name: String?)
        case agent(AgentRequest)
        case control(ControlCommand)
        /// Control socket: stream every audit decision as `{"type":"event","event":"audit",…}`.
        case monitor
        case bye
    }
}

/// Decodes wire lines into engine requests. Field errors name the field and what a
/// valid value looks like.
public struct WireDecoder: Sendable {
    public let keyNames: KeyNames

    public init(keyNames: KeyNames) { self.keyNames = keyNames }

    /// The id of a line, if it has one that can be read; used to address the error reply
    /// of a message that fails to decode.
    public static func id(in value: JSONValue) -> RequestID? {
        guard case .object(let o) = value, case .int(let i) = o["id"] ?? .null, i >= 0 else { return nil }
        return RequestID(UInt64(i))
    }

    public func decode(_ value: JSONValue, controlSocket: Bool) throws(WireError) -> WireRequest {
        let f = try JSONFields(value)
        let typeName = try f.string("type")
        let rawID = try f.optionalInt("id") ?? 0
        guard rawID >= 0 else { throw WireError(.malformed, "id: must be a non-negative integer") }
        let id = RequestID(UInt64(rawID))
        if typeName == RequestType.hello.rawValue {
            let version = try f.int("protocol")
            let name = try f.optionalString("name")
            // Names go into every audit record, journal line and status table.
            if let name, let problem = PrintableText.nameProblem(name) {
                throw WireError(.malformed, "name: \(problem); give 1–64 bytes of UTF-8, printable characters, no quotes")
            }
            return WireRequest(id: id, body: .hello(version: version, name: name))
        }
        if typeName == RequestType.bye.rawValue { return WireRequest(id: id, body: .bye) }
        guard f.has("id") else { throw WireError(.malformed, "id: every request needs an integer id, echoed in its reply") }
        let socket: RequestType.Socket = controlSocket ? .control : .agent
        guard let type = RequestType(rawValue: typeName), type.sockets.contains(socket) else {
            throw WireError(.unknownType, controlSocket
                ? "type \"\(typeName)\" is not a control verb; verbs: \(RequestType.list(for: .control))"
                : "type \"\(typeName)\" is not an agent verb; verbs: \(RequestType.list(for: .agent))")
        }
        switch type {
        case .hello, .bye: preconditionFailure("answered above")
        case .monitor: return WireRequest(id: id, body: .monitor)
        case .status: return WireRequest(id: id, body: controlSocket ? .control(.status) : .agent(.status))
        case .revoke, .pause, .resume, .reassign, .approve, .deny, .unfreeze:
            return WireRequest(id: id, body: .control(try controlCommand(type, f)))
        case .acquire: return WireRequest(id: id, body: .agent(.acquire(try leaseRequest(f))), window: try windowMatch(f))
        case .release: return WireRequest(id: id, body: .agent(.release(try lease(f))))
        case .heartbeat: return WireRequest(id: id, body: .agent(.heartbeat))
        case .gesture: return WireRequest(id: id, body: .agent(.gesture(try gesture(f))))
        case .capture:
            let (request, options) = try capture(f, controlSocket: controlSocket)
            if controlSocket {
                guard let lease = request.lease else { throw WireError(.malformed, "lease: an operator's capture names the lease to show") }
                return WireRequest(id: id, body: .control(.capture(lease, request)), capture: options)
            }
            return WireRequest(id: id, body: .agent(.capture(request)), capture: options)
        case .supervise:
            guard let verb = RequestType(rawValue: try f.string("command")), verb.isSupervisable else {
                throw WireError(.malformed, "command: orchestrators may status, pause, resume, revoke or reassign")
            }
            return WireRequest(id: id, body: .agent(.supervise(try controlCommand(verb, f))))
        }
    }

    // MARK: - Leases

    func lease(_ f: JSONFields) throws(WireError) -> LeaseID {
        guard let v = f.object["lease"] else { throw WireError(.malformed, "lease: required (e.g. \"L12\")") }
        switch v {
        case .int(let i) where i > 0: return LeaseID(UInt64(i))
        case .string(let s):
            let digits = s.hasPrefix("L") ? s.dropFirst() : Substring(s)
            if let n = UInt64(digits), n > 0 { return LeaseID(n) }
        default: break
        }
        throw WireError(.malformed, "lease: a lease id such as \"L12\"")
    }

    func region(_ f: JSONFields, _ key: String) throws(WireError) -> Region {
        let hint = "\(f.name(key)): a region is \"x,y,WxH\", [x, y, w, h] or {\"x\":…,\"y\":…,\"width\":…,\"height\":…}"
        guard let v = f.object[key] else { throw WireError(.malformed, hint) }
        switch v {
        case .string(let s):
            if let r = RegionSyntax.parse(s) { return r }
        case .array(let a) where a.count == 4:
            let n = a.compactMap { v -> Int32? in if case .int(let i) = v { Int32(exactly: i) } else { nil } }
            if n.count == 4, n[2] > 0, n[3] > 0 { return Region(x: n[0], y: n[1], width: n[2], height: n[3]) }
        case .object(let o):
            let r = JSONFields(o, path: f.name(key))
            let region = Region(x: try r.int32("x"), y: try r.int32("y"), width: try r.int32("width"), height: try r.int32("height"))
            if !region.isEmpty { return region }
        default: break
        }
        throw WireError(.malformed, hint)
    }

    func leaseRequest(_ f: JSONFields) throws(WireError) -> LeaseRequest {
        let keyboard = try f.bool("keyboard") ?? false
        let pointer = try f.bool("pointer") ?? true
        guard pointer || keyboard else { throw WireError(.malformed, "pointer/keyboard: a lease needs the pointer, the keyboard or both") }
        let area: LeaseArea
        if let match = try windowMatch(f) {
            // The X11 adapter finds the window and fills in its id and geometry.
            let id = if case .id(let raw) = match { raw } else { UInt64(0) }
            area = .window(WindowID(id), geometry: Region(x: 0, y: 0, width: 0, height: 0))
        } else {
            area = .region(try region(f, "region"))
        }
        let mode: AcquireMode
        switch try f.optionalString("mode") ?? "wait" {
        case "wait": mode = .wait(timeout: f.has("timeout_ms") ? try duration(f, "timeout_ms") : nil)
        case "try": mode = .try
        default: throw WireError(.malformed, "mode: \"wait\" (queue, optional timeout_ms) or \"try\" (answer now)")
        }
        let ttl = f.has("ttl_ms") ? try duration(f, "ttl_ms", from: 1) : nil
        return LeaseRequest(LeaseResources(area: area, pointer: pointer, keyboard: keyboard), mode: mode, ttl: ttl)
    }

    /// `window` (an XID), or `window_class`, `window_title` and/or `window_pid`: a window lease.
    func windowMatch(_ f: JSONFields) throws(WireError) -> WindowMatch? {
        if f.has("window") {
            let w = try f.int("window")
            guard w > 0 else { throw WireError(.malformed, "window: an X11 window id (XID), e.g. 0x2a00007 as 44040199") }
            return .id(UInt64(w))
        }
        let cls = try f.optionalString("window_class"), title = try f.optionalString("window_title")
        let pid: Int64? = f.has("window_pid") ? try f.int("window_pid") : nil
        if cls == nil && title == nil && pid == nil { return nil }
        if cls?.isEmpty == true || title?.isEmpty == true {
            throw WireError(.malformed, "window_class / window_title: give a non-empty WM_CLASS name or title text")
        }
        if let pid, pid <= 0 || pid > Int64(Int32.max) {
            throw WireError(.malformed, "window_pid: a process id (a positive number), got \(pid)")
        }
        return .match(className: cls, title: title, pid: pid.map { Int32($0) })
    }

    /// The control verb `verb` names, read from its fields.
    func controlCommand(_ verb: RequestType, _ f: JSONFields) throws(WireError) -> ControlCommand {
        switch verb {
        case .status: return .status
        case .revoke: return .revoke(try lease(f))
        case .pause: return .pause(try lease(f))
        case .resume: return .resume(try lease(f))
        case .approve: return try f.bool("capture") == true ? .approveCapture(try lease(f)) : .approve(try lease(f))
        case .deny: return .deny(try lease(f))
        case .unfreeze: return .resumeAfterPanic
        case .reassign:
            let to = try f.int("to")
            guard let s = UInt32(exactly: to) else { throw WireError(.malformed, "to: a session id") }
            return .reassign(try lease(f), to: SessionID(s))
        case .hello, .bye, .acquire, .release, .heartbeat, .gesture, .supervise, .monitor, .capture:
            preconditionFailure("\(verb) is not a control command")
        }
    }

    // MARK: - Capture

    /// `capture`'s fields: what the engine decides on, and what the daemon makes.
    func capture(_ f: JSONFields, controlSocket: Bool) throws(WireError) -> (CaptureRequest, CaptureOptions) {
        var request = CaptureRequest()
        if f.has("lease") { request.lease = try lease(f) }
        if f.has("rect") { request.rect = try region(f, "rect") }
        request.cursor = try f.bool("cursor") ?? false
        var options = CaptureOptions()
        if f.has("width") || f.has("height") {
            func side(_ key: String) throws(WireError) -> Int? {
                guard f.has(key) else { return nil }
                let v = try f.int(key)
                guard v >= 1, v <= CaptureOptions.maximumSide else {
                    throw WireError(.malformed, "\(f.name(key)): \(v) is not 1–\(CaptureOptions.maximumSide) pixels")
                }
                return Int(v)
            }
            let w = try side("width"), h = try side("height")
            options.box = (w ?? CaptureOptions.maximumSide, h ?? CaptureOptions.maximumSide)
        }
        if let name = try f.optionalString("format") {
            guard let format = ImageFormat(rawValue: name) else {
                throw WireError(.malformed, "format: \"\(name)\" is not png, jpeg or raw")
            }
            options.format = format
        }
        if let q = try f.optionalInt("quality") {
            guard CaptureOptions.qualityRange.contains(Int(q)) else { throw WireError(.malformed, "quality: \(q) is not 1–100") }
            options.quality = Int(q)
        }
        if let d = try f.optionalString("delivery") {
            guard let delivery = CaptureDelivery(rawValue: d) else { throw WireError(.malformed, "delivery: \"\(d)\" is not inline or fd") }
            options.delivery = delivery
        }
        if f.has("settle") {
            if let on = try? f.bool("settle") {
                options.settle = on == true ? SettleRule() : nil
            } else {
                let s = try f.object("settle")
                var rule = SettleRule()
                if s.has("quiet_ms") { rule.quiet = try duration(s, "quiet_ms") }
                if s.has("max_ms") { rule.maximum = try duration(s, "max_ms") }
                guard SettleRule.quietRange.contains(rule.quiet) else {
                    throw WireError(.malformed, "settle.quiet_ms: must be 10–5000 ms")
                }
                guard SettleRule.maximumRange.contains(rule.maximum) else {
                    throw WireError(.malformed, "settle.max_ms: must be 0–30000 ms")
                }
                options.settle = rule
            }
        }
        return (request, options)
    }

    // MARK: - Gestures

    func point(_ f: JSONFields) throws(WireError) -> Point? {
        switch (f.has("x"), f.has("y")) {
        case (true, true): return Point(x: try f.int32("x"), y: try f.int32("y"))
        case (false, false): return nil
        default: throw WireError(.malformed, "x/y: give both coordinates, or neither to act at the cursor")
        }
    }

    func button(_ f: JSONFields) throws(WireError) -> MouseButton {
        guard let name = try f.optionalString("button") else { return .left }
        guard let b = MouseButton(rawValue: name.lowercased()) ?? (name.lowercased() == "wheel" ? .middle : nil) else {
            throw WireError(.malformed, "button: left, right, middle, back or forward")
        }
        return b
    }

    func keys(_ f: JSONFields, _ key: String) throws(WireError) -> [KeyCode] {
        guard let v = f.object[key], v != .null else { return [] }
        switch v {
        case .string(let s): return s.isEmpty ? [] : try keyNames.chord(s)
        case .array(let a):
            var out: [KeyCode] = []
            for item in a {
                guard case .string(let s) = item else { throw WireError(.malformed, "\(f.name(key)): key names are strings") }
                for k in try keyNames.chord(s) where !out.contains(k) { out.append(k) }
            }
            return out
        default: throw WireError(.malformed, "\(f.name(key)): \"ctrl+s\" or [\"ctrl\", \"s\"]")
        }
    }

    /// The longest duration any `…_ms` field takes: a day. Longer ones mean nothing here
    /// (TTLs are clamped to `maximum_ttl_s`, holds and waits to 30 s), and deadlines far
    /// beyond it once overflowed the clock.
    static let maximumMilliseconds: Int64 = 86_400_000

    func duration(_ f: JSONFields, _ key: String, from least: Int64 = 0) throws(WireError) -> Duration {
        let ms = try f.int(key)
        guard ms >= least, ms <= Self.maximumMilliseconds else {
            throw WireError(.malformed, "\(f.name(key)): \(ms) is out of range; give \(least)–\(Self.maximumMilliseconds) "
                + "milliseconds (a day at most)")
        }
        return .milliseconds(ms)
    }

    func gesture(_ f: JSONFields) throws(WireError) -> Gesture {
        let name = try f.string("action")
        guard let action = GestureAction(rawValue: name) else {
            throw WireError(.malformed, "action: one of \(GestureAction.list)")
        }
        switch action {
        case .move:
            guard let p = try point(f) else { throw WireError(.malformed, "move: x and y are required") }
            return .move(to: p)
        case .click:
            let count = try f.optionalInt("count") ?? 1
            return .click(at: try point(f), button: try button(f), count: Int(clamping: count), modifiers: try keys(f, "modifiers"))
        case .mouseDown: return .mouseDown(at: try point(f), button: try button(f))
        case .mouseUp: return .mouseUp(at: try point(f), button: try button(f))
        case .drag:
            var path: [Point] = []
            for (i, item) in try f.array("path").enumerated() {
                switch item {
                case .array(let xy) where xy.count == 2:
                    if case .int(let x) = xy[0], case .int(let y) = xy[1], let x32 = Int32(exactly: x), let y32 = Int32(exactly: y) {
                        path.append(Point(x: x32, y: y32)); continue
                    }
                case .object(let o):
                    let p = JSONFields(o, path: "path[\(i)]")
                    path.append(Point(x: try p.int32("x"), y: try p.int32("y"))); continue
                default: break
                }
                throw WireError(.malformed, "path[\(i)]: a point is [x, y] or {\"x\":…,\"y\":…}")
            }
            return .drag(path: path, button: try button(f), modifiers: try keys(f, "modifiers"))
        case .scroll:
            let unit: ScrollUnit
            switch try f.optionalString("unit") ?? "notches" {
            case "notches": unit = .notches
            case "pixels": unit = .pixels
            default: throw WireError(.malformed, "unit: \"notches\" or \"pixels\"")
            }
            let dx = f.has("dx") ? try f.int32("dx") : 0
            let dy = f.has("dy") ? try f.int32("dy") : 0
            return .scroll(at: try point(f), dx: dx, dy: dy, unit: unit)
        case .key:
            let ks = try keys(f, "keys")
            guard !ks.isEmpty else { throw WireError(.malformed, "keys: required, e.g. \"ctrl+s\"") }
            return .keyChord(keys: ks, repeat: Int(clamping: try f.optionalInt("repeat") ?? 1))
        case .keyDown, .keyUp:
            let ks = try keys(f, "key")
            guard ks.count == 1, let k = ks.first else {
                throw WireError(.malformed, "key: exactly one key, e.g. \"shift\" (a name needing modifiers is a chord: use action key)")
            }
            return action == .keyDown ? .keyDown(k) : .keyUp(k)
        case .hold:
            let ks = try keys(f, "keys")
            guard !ks.isEmpty else { throw WireError(.malformed, "keys: required, e.g. \"shift\"") }
            return .hold(keys: ks, duration: try duration(f, "duration_ms"))
        case .type: return .type(text: try f.string("text"))
        case .wait: return .wait(try duration(f, "duration_ms"))
        case .raw:
            let device: Gesture.RawDevice
            switch try f.string("device") {
            case "pointer": device = .pointer
            case "keyboard": device = .keyboard
            default: throw WireError(.malformed, "device: \"pointer\" or \"keyboard\"")
            }
            var frames: [Frame] = []
            for (i, fr) in try f.array("frames").enumerated() {
                guard case .array(let events) = fr else { throw WireError(.malformed, "frames[\(i)]: an array of [type, code, value]") }
                var evs: [EvdevEvent] = []
                for e in events {
                    guard case .array(let t) = e, t.count == 3, case .int(let ty) = t[0], case .int(let co) = t[1],
                          case .int(let va) = t[2], let ty16 = UInt16(exactly: ty), let co16 = UInt16(exactly: co),
                          let va32 = Int32(exactly: va) else {
                        throw WireError(.malformed, "frames[\(i)]: each event is [type, code, value] (integers)")
                    }
                    evs.append(EvdevEvent(type: ty16, code: co16, value: va32))
                }
                frames.append(Frame(evs))
            }
            return .raw(device: device, frames: frames)
        }
    }
}
