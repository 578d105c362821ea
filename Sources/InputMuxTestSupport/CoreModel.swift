import InputMuxCore

/// A model-based random test of the whole pure core: many agents, random lease
/// requests, gestures, human input, disconnects, operator verbs and clock jumps, with the
/// safety invariants checked after every step (DESIGN §9.1). Shared by the test suite
/// (`ModelTests`) and `muxbench core` (steps per second), so both run the same thing.
///
/// Invariants (`violations` collects the first few broken ones, with the step):
/// 1. no two active or paused leases of different holders conflict;
/// 2. every agent pointer frame emitted lies inside a region its session held actively
///    before or after the step (frames are emitted while holding);
/// 3. the frames emitted to a device never press twice or release what is not down
///    (replayed through a shadow `NeutralState`), and nothing is held on a session's
///    devices once it has no active lease, ended, or the human is active;
/// 4. a gesture the gate rejects at once emits nothing;
/// 5. the queue is FIFO among conflicting requests: no lease becomes active while an
///    earlier conflicting waiter still waits;
/// 6. every request gets at most one reply; no agent frames while the human is active;
/// 7. every agent button press and wheel step *lands* inside the session's region: the
///    model replays the frames through a seat that drops ABS events equal to the device's
///    value and has one cursor, as the kernel and libinput do (the one-cursor problem);
/// 8. no machine key and no machine chord (Alt+SysRq, Ctrl+Alt+Delete/KP-Delete/Backspace,
///    Ctrl+Alt+F1…F12; modifiers held on any agent keyboard count) is ever pressed on an
///    agent keyboard, unless the session's policy allows that chord (`CoreModelKeys`);
/// 9. no ordinary key is pressed on an agent keyboard unless the focus proof holds at that
///    frame: the latest focus change, in the order frames reach the seat, is the session's
///    own button press, inside one of its active keyboard leases. Focus changes: any
///    button press (agent or human), a human Alt/Super press, and an agent's focus-moving
///    chord (the first ordinary key pressed while its Alt/Super is down, or Alt/Super
///    released alone); the chord's own key is allowed, anything after it needs a new click.
public struct CoreModel {
    public private(set) var engine: Engine
    public private(set) var now: Instant = .zero
    public internal(set) var steps = 0
    public internal(set) var violations: [String] = []
    /// How often each kind of step ran and what came back, so tests can prove coverage.
    public internal(set) var tally: [String: Int] = [:]

    /// Agent frames emitted and gestures refused so far (coverage for tests).
    public internal(set) var emittedAgentFrames = 0
    public internal(set) var rejectedGestures = 0

    /// Whether operators and orchestrators also reassign leases (on: the engine refuses a
    /// reassign that would put two holders on one pixel, see
    /// `reassignNeverLeavesTwoHoldersOnOnePixel` in ModelFindingsTests).
    public var includesReassign = true

    /// Public so that the engine fuzz target can steer the choices with its input.
    public var rng: SplitMix64
    let agents: [AgentIdentity]
    let desktop: Region
    var connected: Set<SessionID> = []
    var nextRequest: UInt64 = 1
    var shadow = NeutralState()
    var pendingPhysical: Frame?
    var currentInput = ""
    var pendingGestures: Set<RequestID> = []
    /// Last ABS values written to each agent pointer, as a reader of the device sees them.
    var pointerAt: [SessionID: (x: Int32?, y: Int32?)] = [:]
    /// The seat as a compositor sees it: each agent device's ABS values as the kernel holds
    /// them (a new device holds 0,0; an event equal to the held value is dropped), and the
    /// one cursor, which follows whichever device last actually moved.
    var kernelAbs: [SessionID: Point] = [:]
    var seatCursor = Point(x: 960, y: 540)
    var replied: Set<RequestKey> = []
    /// Requests not answered yet, by the session that must still be there to hear it.
    var unanswered: [RequestKey: SessionID?] = [:]
    var out = CollectingOutput()
    /// Machine chords each session's policy allows (some agents connect allowed ctrl+alt+f2).
    var allowedChords: [SessionID: Set<String>] = [:]
    /// The model's own focus evidence (invariant 9), from frames in seat order.
    var focusHolder: SessionID?
    var focusClick: Point?
    /// Per agent keyboard: Alt/Super held, and whether an ordinary key was pressed meanwhile.
    var focusModifiers: [SessionID: (held: [UInt16], pressed: Bool)] = [:]

    struct RequestKey: Hashable { var who: Requester; var id: RequestID }

    public init(seed: UInt64, agents count: Int = 12, desktop: Region = Region(x: 0, y: 0, width: 1920, height: 1080),
                configure: (inout EngineConfig) -> Void = { _ in }) {
        rng = SplitMix64(seed: seed)
        self.desktop = desktop
        var config = EngineConfig(desktop: desktop, pacing: .standard, keymap: USKeymap())
        config.defaultTTL = .seconds(5)
        config.rateLimit = .unlimited
        config.redactionKey = [1, 2, 3, 4]
        // One sensitive cell: leases touching it wait for an operator's approve or deny.
        config.sensitiveRegions = [Region(x: desktop.x + desktop.width - desktop.width / 8, y: desktop.y + desktop.height - desktop.height / 6,
                                          width: desktop.width / 8, height: desktop.height / 6)]
        configure(&config)
        engine = Engine(config: config)
        agents = (1...count).map { AgentIdentity(name: "agent\($0)", session: SessionID(UInt32($0)), uid: 1000, pid: Int32(100 + $0)) }
    }

    /// Ends the run: the daemon shuts down, and then every request of a session that is
    /// still connected must have had its one reply, and nothing may be held anywhere.
    public mutating func finish() {
        steps += 1
        let before = Snapshot(engine)
        out.records.removeAll(keepingCapacity: true)
        engine.handle(.shutdown, at: now, into: &out)
        connected.removeAll()
        check(input: .shutdown, before: before, after: Snapshot(engine))
        for (key, _) in unanswered.sorted(by: { $0.key.id.rawValue < $1.key.id.rawValue }).prefix(3) {
            violation("request \(key.id) of \(key.who) never got a reply")
        }
        if !shadow.isNeutral { violation("after shutdown, still held: \(shadow.devicesHolding)") }
    }

    /// Runs `n` random steps, checking every invariant after each.
    public mutating func run(steps n: Int) {
        for _ in 0..<n { step() }
    }

    // MARK: One step

    public mutating func step() { step(tamper: nil) }

    /// One step whose output is altered by `tamper` before the checks: how tests prove the
    /// invariants catch a misbehaving engine.
    public mutating func step(tamper: ((inout CollectingOutput, Engine) -> Void)?) {
        steps += 1
        let before = Snapshot(engine)
        out.records.removeAll(keepingCapacity: true)
        let (input, label) = randomInput()
        tally[label, default: 0] += 1
        currentInput = Self.describe(input)
        // Now and then an input arrives stamped in the past (a late reader thread): the
        // engine must treat it as happening now, not run its clock backwards.
        let stamp = rng.chance(1) ? now - .milliseconds(Int64(1 + rng.next(upTo: 2000))) : now
        engine.handle(input, at: stamp, into: &out)
        tamper?(&out, engine)
        if case .connect(let id, let policy) = input {
            connected.insert(id.session)
            allowedChords[id.session] = policy.allowedMachineChords
        }
        if case .disconnect(let s) = input { connected.remove(s) }
        switch input {
        case .agent(let s, let id, _): unanswered[RequestKey(who: .session(s), id: id)] = s
        case .operator(let o, let id, _): unanswered[RequestKey(who: .operator(o), id: id)] = .some(nil)
        default: break
        }
        check(input: input, before: before, after: Snapshot(engine))
    }

    mutating func randomInput() -> (EngineInput, String) {
        // The clock: mostly small steps through gestures, sometimes to the next deadline,
        // sometimes a jump past TTLs and quiet periods.
        switch rng.next(upTo: 100) {
        case 0..<55: now = now + .milliseconds(Int64(rng.next(upTo: 20)))
        case 55..<75:
            if let d = engine.nextDeadline, d > now { now = d }
        case 75: now = now + .seconds(Int64(15 + rng.next(upTo: 30)))
        default: break
        }
        if let f = pendingPhysical {
            // The human lets go of what the last physical step pressed.
            pendingPhysical = nil
            return (.physical(device: 2, f), "physical")
        }
        if engine.panic.isFrozen && rng.chance(10) {
            return (.operator(OperatorID(1), RequestID(nextID()), .resumeAfterPanic), "unfreeze")
        }
        let agent = agents[Int(rng.next(upTo: UInt64(agents.count)))]
        let s = agent.session
        if !connected.contains(s) {
            if rng.chance(70) {
                var policy: SessionPolicy = rng.chance(10) ? .supervise : .agent
                // Some rules allow one machine chord: invariant 8 must let exactly that through.
                if rng.chance(25) { policy.allowedMachineChords = ["ctrl+alt+f2"] }
                return (.connect(agent, policy), "connect")
            }
            return (.tick, "tick")
        }
        switch rng.next(upTo: 1000) {
        case 0..<160: return (agentRequest(s, .acquire(randomLeaseRequest())), "acquire")
        case 160..<260:
            let mine = engine.leases.leases(of: s)
            let id = mine.isEmpty ? LeaseID(rng.next(upTo: 50)) : mine[Int(rng.next(upTo: UInt64(mine.count)))].id
            return (agentRequest(s, .release(id)), "release")
        case 260..<300: return (agentRequest(s, .heartbeat), "heartbeat")
        case 300..<740:
            // Agents without a lease mostly ask for one first, as real ones do.
            if engine.leases.leases(of: s).isEmpty && rng.chance(70) {
                return (agentRequest(s, .acquire(randomLeaseRequest())), "acquire")
            }
            return (agentRequest(s, .gesture(randomGesture(for: s))), "gesture")
        case 740..<750: return (agentRequest(s, .status), "status")
        case 750..<760: return (agentRequest(s, .supervise(randomControl())), "supervise")
        case 760..<790: return (.physical(device: 1, randomPhysicalFrame()), "physical")
        case 790..<840:
            // Key work, mostly by whoever holds the keyboard: chords (machine and
            // focus-moving ones among them), keys held across gestures, raw keyboard frames;
            // a click in its region first when its click is not the latest focus change.
            var k = s
            if rng.chance(80), let h = engine.leases.leases.values.first(where: { $0.state == .active && $0.resources.keyboard })?.holder,
               connected.contains(h) { k = h }
            if engine.focus.holder != k, rng.chance(70), let p = keyboardPoint(for: k) {
                return (agentRequest(k, .gesture(.click(at: p, button: .left, count: 1, modifiers: []))), "gesture")
            }
            return (agentRequest(k, .gesture(randomKeyGesture(for: k))), "key gesture")
        case 840..<855: return (.disconnect(s), "disconnect")
        case 855..<900: return (.operator(OperatorID(1), RequestID(nextID()), randomControl()), "operator")
        case 900:
            // The panic chord, pressed by the human (never injectable), released next step.
            let chord = [KeyCode.backspace, .esc, .enter]
            pendingPhysical = Frame(chord.reversed().map { EvdevEvent(type: EV.key, code: $0.rawValue, value: 0) })
            return (.physical(device: 2, Frame(chord.map { EvdevEvent(type: EV.key, code: $0.rawValue, value: 1) })), "panic")
        case 901..<905: return (.operator(OperatorID(1), RequestID(nextID()), .resumeAfterPanic), "unfreeze")
        default: return (.tick, "tick")
        }
    }

    static func describe(_ input: EngineInput) -> String {
        switch input {
        case .agent(let s, let id, let r):
            switch r {
            case .acquire(let l): "session \(s) request \(id): acquire \(l.resources) \(l.mode)"
            case .gesture(let g): "session \(s) request \(id): \(g.kind)"
            case .supervise(let c): "session \(s) request \(id): supervise \(c)"
            default: "session \(s) request \(id): \(r)"
            }
        case .operator(_, let id, let c): "operator request \(id): \(c)"
        case .physical(let d, let f): "physical \(d): \(f)"
        default: "\(input)"
        }
    }

    mutating func nextID() -> UInt64 { defer { nextRequest += 1 }; return nextRequest }

    mutating func agentRequest(_ s: SessionID, _ r: AgentRequest) -> EngineInput {
        .agent(s, RequestID(nextID()), r)
    }

    /// Regions on a coarse grid, so overlaps and exact neighbours are both common.
    mutating func randomRegion() -> Region {
        let cols: Int32 = 8, rows: Int32 = 6
        let cw = desktop.width / cols, rh = desktop.height / rows
        let x0 = Int32(rng.next(upTo: UInt64(cols))), y0 = Int32(rng.next(upTo: UInt64(rows)))
        let w = 1 + Int32(rng.next(upTo: UInt64(min(2, cols - x0)))), h = 1 + Int32(rng.next(upTo: UInt64(min(2, rows - y0))))
        if rng.chance(1) { return desktop }
        return Region(x: desktop.x + x0 * cw, y: desktop.y + y0 * rh, width: w * cw, height: h * rh)
    }

    mutating func randomLeaseRequest() -> LeaseRequest {
        let mode: AcquireMode = switch rng.next(upTo: 3) {
        case 0: .try
        case 1: .wait(timeout: nil)
        default: .wait(timeout: .milliseconds(Int64(100 + rng.next(upTo: 5000))))
        }
        let ttl: Duration? = rng.chance(30) ? .seconds(Int64(1 + rng.next(upTo: 10))) : nil
        // Now and then a small region, so one session gathers many leases.
        var region = randomRegion()
        if rng.chance(30) {
            region = Region(x: region.x + Int32(rng.next(upTo: 4)) * region.width / 4, y: region.y + Int32(rng.next(upTo: 4)) * region.height / 4,
                            width: max(1, region.width / 4), height: max(1, region.height / 4))
        }
        return LeaseRequest(.region(region, keyboard: rng.chance(25)), mode: mode, ttl: ttl)
    }

    /// A point inside the session's active keyboard lease, if it holds one.
    func keyboardPoint(for s: SessionID) -> Point? {
        guard let l = engine.leases.leases(of: s).first(where: { $0.state == .active && $0.resources.keyboard && $0.resources.pointer })
        else { return nil }
        return Point(x: l.region.x + l.region.width / 2, y: l.region.y + l.region.height / 2)
    }

    /// A point inside one of the session's leases most of the time, anywhere otherwise.
    mutating func randomPoint(for s: SessionID) -> Point {
        let mine = engine.leases.leases(of: s)
        if !mine.isEmpty && rng.chance(80) {
            let r = mine[Int(rng.next(upTo: UInt64(mine.count)))].region
            return Point(x: r.x + Int32(rng.next(upTo: UInt64(max(1, r.width)))), y: r.y + Int32(rng.next(upTo: UInt64(max(1, r.height)))))
        }
        return Point(x: Int32(rng.next(upTo: UInt64(desktop.width + 40))) - 20, y: Int32(rng.next(upTo: UInt64(desktop.height + 40))) - 20)
    }

    mutating func randomGesture(for s: SessionID) -> Gesture {
        let buttons = MouseButton.allCases
        let button = buttons[Int(rng.next(upTo: UInt64(buttons.count)))]
        let maybe: Point? = rng.chance(20) ? nil : randomPoint(for: s)
        switch rng.next(upTo: 13) {
        case 0: return .move(to: randomPoint(for: s))
        case 1, 2: return .click(at: maybe, button: button, count: 1 + Int(rng.next(upTo: 3)), modifiers: rng.chance(20) ? [.leftCtrl] : [])
        case 3: return .mouseDown(at: maybe, button: button)
        case 4: return .mouseUp(at: maybe, button: button)
        case 5:
            // Across several of the session's regions at times (randomPoint picks a lease
            // per point), with Alt held now and then (Alt+drag moves windows).
            let path = (0..<(2 + Int(rng.next(upTo: 4)))).map { _ in randomPoint(for: s) }
            let regions = Set(path.compactMap { p in engine.leases.leases(of: s).first { $0.region.contains(p) }?.id })
            if regions.count > 1 { tally["multi-region drag", default: 0] += 1 }
            return .drag(path: path, button: .left, modifiers: rng.chance(10) ? [.leftAlt] : [])
        case 6: return .scroll(at: maybe, dx: Int32(rng.next(upTo: 3)) - 1, dy: Int32(rng.next(upTo: 7)) - 3, unit: rng.chance(50) ? .notches : .pixels)
        case 7: return .keyChord(keys: rng.chance(50) ? [.leftCtrl, KeyCode(46)] : [KeyCode(30 + UInt16(rng.next(upTo: 10)))], repeat: 1 + Int(rng.next(upTo: 2)))
        case 8: return .keyDown(KeyCode(30 + UInt16(rng.next(upTo: 5))))
        case 9: return .keyUp(KeyCode(30 + UInt16(rng.next(upTo: 5))))
        case 10: return .type(text: rng.chance(90) ? "hi there" : "naïve")
        case 11: return .wait(.milliseconds(Int64(rng.next(upTo: 50))))
        default:
            let p = randomPoint(for: s)
            return .raw(device: .pointer, frames: [
                Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: p.x), EvdevEvent(type: EV.abs, code: ABS.y, value: p.y)]),
                Frame([EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 1)]),
                Frame([EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 0)]),
            ])
        }
    }

    mutating func randomPhysicalFrame() -> Frame {
        if rng.chance(5) { return Frame([EvdevEvent(type: EV.key, code: KeyCode.leftAlt.rawValue, value: Int32(rng.next(upTo: 2)))]) }
        switch rng.next(upTo: 3) {
        case 0: return Frame([EvdevEvent(type: EV.rel, code: REL.x, value: 3)])
        case 1: return Frame([EvdevEvent(type: EV.key, code: MouseButton.left.code, value: Int32(rng.next(upTo: 2)))])
        default: return Frame([EvdevEvent(type: EV.key, code: 30 + UInt16(rng.next(upTo: 5)), value: Int32(rng.next(upTo: 2)))])
        }
    }

    mutating func randomControl() -> ControlCommand {
        let ids = engine.leases.leases.keys.sorted()
        let id = ids.isEmpty ? LeaseID(1) : ids[Int(rng.next(upTo: UInt64(ids.count)))]
        switch rng.next(upTo: 8) {
        case 0, 1: return .revoke(id)
        case 2: return .pause(id)
        case 3: return .resume(id)
        case 4: return .approve(id)
        case 5: return .deny(id)
        case 6 where includesReassign:
            let to = agents[Int(rng.next(upTo: UInt64(agents.count)))].session
            tally["reassign", default: 0] += 1
            return .reassign(id, to: to)
        default: return .status
        }
    }
}
