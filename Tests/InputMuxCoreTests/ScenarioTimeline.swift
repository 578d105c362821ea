import Testing
@testable import InputMuxCore
import InputMuxTestSupport
import InputMuxWire

// A small timeline language for engine scenarios, keyd-style:
//
//     let t = Timeline()
//     let A = t.at(0.ms) { t.connect("A") }
//     t.at(5.ms) { #expect(A.acquire(left).isGranted) }
//
// The clock is virtual: moving to a later instant feeds `.tick` at every deadline the
// engine asks for on the way, exactly as the daemon's timer would.

extension Int {
    var ms: Duration { .milliseconds(self) }
    var s: Duration { .seconds(self) }
}

let desktop = Region(x: 0, y: 0, width: 1920, height: 1080)
let leftHalf = Region(x: 0, y: 0, width: 960, height: 1080)
let rightHalf = Region(x: 960, y: 0, width: 960, height: 1080)
let thirds = [
    Region(x: 0, y: 0, width: 640, height: 1080),
    Region(x: 640, y: 0, width: 640, height: 1080),
    Region(x: 1280, y: 0, width: 640, height: 1080),
]

/// Physical test devices the "human" uses.
let humanMouse: UInt32 = 100
let humanKeyboard: UInt32 = 101

func keyEvent(_ code: UInt16, _ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.key, code: code, value: value) }

final class Timeline {
    var engine: Engine
    var out = CollectingOutput()
    /// When each record in `out` was produced.
    private(set) var times: [Instant] = []
    private(set) var now: Instant = .zero
    private var nextRequest: UInt64 = 1
    private var nextSession: UInt32 = 1
    private var nextOperatorRequest: UInt64 = 1

    init(_ configure: (inout EngineConfig) -> Void = { _ in }) {
        var c = EngineConfig(desktop: desktop, keymap: USKeymap())
        c.rateLimit = .unlimited
        configure(&c)
        engine = Engine(config: c)
    }

    // MARK: time

    /// Moves the clock to `t` (from the start), then runs `body`.
    @discardableResult
    func at<T>(_ t: Duration, _ body: () throws -> T) rethrows -> T {
        advance(to: .zero + t)
        return try body()
    }

    func at(_ t: Duration) { advance(to: .zero + t) }

    /// Lets `d` pass.
    func run(for d: Duration) { advance(to: now + d) }

    func advance(to target: Instant) {
        var guardCount = 0
        while let d = engine.nextDeadline, d <= target {
            guardCount += 1
            precondition(guardCount < 1_000_000, "engine deadline does not move forward")
            if d > now { now = d }
            engine.handle(.tick, at: now, into: &out)
            stamp()
        }
        if target > now { now = target }
    }

    /// Feeds an input now.
    func send(_ input: EngineInput) {
        engine.handle(input, at: now, into: &out)
        stamp()
    }

    private func stamp() { while times.count < out.records.count { times.append(now) } }

    func newRequest() -> RequestID {
        defer { nextRequest += 1 }
        return RequestID(nextRequest)
    }

    // MARK: actors

    @discardableResult
    func connect(_ name: String, _ policy: SessionPolicy = .agent) -> Agent {
        let id = SessionID(nextSession)
        nextSession += 1
        send(.connect(AgentIdentity(name: name, session: id, uid: 1000, pid: Int32(4000 + id.rawValue)), policy))
        return Agent(t: self, id: id, name: name)
    }

    /// An operator command (`muxctl`); answered at once.
    @discardableResult
    func op(_ command: ControlCommand) -> Reply {
        let r = RequestID(nextOperatorRequest)
        nextOperatorRequest += 1
        send(.operator(OperatorID(1), r, command))
        return out.reply(to: .operator(OperatorID(1)), for: r)!
    }

    // MARK: the human

    func humanFrame(_ device: UInt32, _ events: [EvdevEvent]) { send(.physical(device: device, Frame(events))) }

    /// A physical click: press, then release 30 ms later.
    func humanClick(button: UInt16 = MouseButton.left.code) {
        humanFrame(humanMouse, [keyEvent(button, 1)])
        run(for: 30.ms)
        humanFrame(humanMouse, [keyEvent(button, 0)])
    }

    func humanMove(dx: Int32, dy: Int32) {
        humanFrame(humanMouse, [EvdevEvent(type: EV.rel, code: REL.x, value: dx), EvdevEvent(type: EV.rel, code: REL.y, value: dy)])
    }

    func humanKeys(press keys: [KeyCode]) { for k in keys { humanFrame(humanKeyboard, [keyEvent(k.rawValue, 1)]) } }
    func humanKeys(release keys: [KeyCode]) { for k in keys.reversed() { humanFrame(humanKeyboard, [keyEvent(k.rawValue, 0)]) } }

    // MARK: reading the output

    /// A position in the output log, to look at what came after it.
    var mark: Int { out.records.count }

    func records(since mark: Int) -> ArraySlice<CollectingOutput.Record> { out.records[mark...] }

    /// Frames with the instant they were emitted.
    func timedFrames(since mark: Int = 0, on device: DeviceRef? = nil) -> [(Instant, DeviceRef, Frame)] {
        (mark..<out.records.count).compactMap { i in
            guard case .emit(let d, let f) = out.records[i], device == nil || d == device else { return nil }
            return (times[i], d, f)
        }
    }

    func frames(since mark: Int = 0, on device: DeviceRef? = nil) -> [(DeviceRef, Frame)] {
        records(since: mark).compactMap {
            guard case .emit(let d, let f) = $0, device == nil || d == device else { return nil }
            return (d, f)
        }
    }

    /// Key/button events (code, value) written to `device` since `mark`.
    func keyEvents(since mark: Int = 0, on device: DeviceRef) -> [(UInt16, Int32)] {
        frames(since: mark, on: device).flatMap { $0.1.events.filter { $0.type == EV.key }.map { ($0.code, $0.value) } }
    }

    func audits(since mark: Int = 0) -> [AuditEvent] {
        records(since: mark).compactMap { if case .audit(let a) = $0 { return a } else { return nil } }
    }
}

/// One agent session on the timeline.
struct Agent {
    let t: Timeline
    let id: SessionID
    let name: String

    var pointer: DeviceRef { .agentPointer(id) }
    var keyboard: DeviceRef { .agentKeyboard(id) }

    /// Sends a request and returns its reply if it came at once (acquire, release, status, ...).
    @discardableResult
    func request(_ r: AgentRequest) -> (RequestID, Reply?) {
        let id = t.newRequest()
        t.send(.agent(self.id, id, r))
        return (id, t.out.reply(to: .session(self.id), for: id))
    }

    @discardableResult
    func acquire(_ region: Region, keyboard: Bool = false, mode: AcquireMode = .wait(timeout: nil),
                 ttl: Duration? = nil) -> Reply {
        request(.acquire(LeaseRequest(.region(region, keyboard: keyboard), mode: mode, ttl: ttl))).1!
    }

    @discardableResult
    func release(_ lease: LeaseID) -> Reply { request(.release(lease)).1! }

    @discardableResult
    func heartbeat() -> Reply { request(.heartbeat).1! }

    func status() -> StatusSnapshot {
        guard case .status(let s) = request(.status).1! else { fatalError("status did not answer with a snapshot") }
        return s
    }

    @discardableResult
    func supervise(_ c: ControlCommand) -> Reply { request(.supervise(c)).1! }

    /// Sends a gesture; the reply comes when it finished (or at once if refused).
    @discardableResult
    func send(_ g: Gesture) -> RequestID { request(.gesture(g)).0 }

    /// Sends a gesture and lets the clock run until it is answered (at most 10 s).
    @discardableResult
    func perform(_ g: Gesture) -> Reply {
        let r = send(g)
        for _ in 0..<10_000 {
            if let reply = reply(r) { return reply }
            t.run(for: 1.ms)
        }
        fatalError("gesture \(g.kind) never answered")
    }

    @discardableResult
    func click(_ x: Int32, _ y: Int32, button: MouseButton = .left, count: Int = 1) -> Reply {
        perform(.click(at: Point(x: x, y: y), button: button, count: count, modifiers: []))
    }

    func reply(_ r: RequestID) -> Reply? { t.out.reply(to: .session(id), for: r) }

    var events: [LeaseEvent] { t.out.events(for: id) }

    func disconnect() { t.send(.disconnect(id)) }
}

extension Reply {
    var isGranted: Bool { if case .granted = self { return true } else { return false } }
    var isDone: Bool { self == .done }
    var code: ReasonCode? { rejection?.code }
    var leaseID: LeaseID? { lease?.id }
    var queuePosition: Int? { if case .queued(_, let p, _) = self { return p } else { return nil } }
    var reason: String? {
        switch self {
        case .queued(_, _, let r), .pendingApproval(_, let r): r
        case .rejected(let r): r.message
        default: nil
        }
    }
}

extension LeaseEvent {
    var grantedLease: LeaseID? { if case .granted(let l) = self { return l.id } else { return nil } }
    var endedLease: (LeaseID, ReasonCode)? { if case .ended(let l, let r) = self { return (l, r.code) } else { return nil } }
}
