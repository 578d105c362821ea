import InputMuxCore
import InputMuxTestSupport

/// `muxbench core --demo`: three agents share one desktop with a human, narrated. The
/// pure engine runs on a virtual clock; every line below is what it answered. (Until the
/// daemon exists this is what `make demo` shows.)
struct CoreDemo {
    var engine: Engine
    var now = Instant.zero
    var request: UInt64 = 1
    var chain = AuditChain()
    var auditLines: [String] = []
    let wallAtZero: Int64
    var pending: [DeviceRef: (count: Int, since: Instant)] = [:]

    static let browser = AgentIdentity(name: "browser", session: SessionID(1), uid: 1000, pid: 2101, exe: "/usr/bin/agent-browser")
    static let terminal = AgentIdentity(name: "terminal", session: SessionID(2), uid: 1000, pid: 2102, exe: "/usr/bin/agent-term")
    static let tester = AgentIdentity(name: "tester", session: SessionID(3), uid: 1001, pid: 2103, exe: "/usr/bin/robot")

    static func run() {
        var d = CoreDemo()
        d.story()
    }

    init() {
        wallAtZero = CoreClock.unixNanoseconds()
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .standard, keymap: USKeymap())
        config.wallClockAtZero = wallAtZero
        config.redactionKey = Array("demo audit key".utf8)
        engine = Engine(config: config)
    }

    mutating func story() {
        print("InputMux core demo: one 1920x1080 desktop, three agents and a human (virtual clock, pure engine).\n")
        let (b, t, r) = (Self.browser.session, Self.terminal.session, Self.tester.session)
        say("Three agents connect; each gets its own virtual pointer and keyboard.")
        for id in [Self.browser, Self.terminal, Self.tester] { feed(.connect(id, .agent)) }

        say("browser leases the left half with the keyboard; terminal the right half.")
        agent(b, .acquire(LeaseRequest(.region(Region(x: 0, y: 0, width: 960, height: 1080), keyboard: true))))
        agent(t, .acquire(LeaseRequest(.region(Region(x: 960, y: 0, width: 960, height: 1080)))))

        say("tester asks for 700,100,200x200, inside browser's half: it is queued, and told why.")
        agent(r, .acquire(LeaseRequest(.region(Region(x: 700, y: 100, width: 200, height: 200)), mode: .wait(timeout: nil))))

        say("browser clicks into its region, then types; the daemon paces press, hold and release.")
        agent(b, .gesture(.click(at: Point(x: 300, y: 400), button: .left, count: 1, modifiers: [])))
        run(.milliseconds(100))
        agent(b, .gesture(.type(text: "hello")))
        run(.milliseconds(400))

        say("terminal clicks outside its region, and tries to type without the keyboard lease.")
        agent(t, .gesture(.click(at: Point(x: 200, y: 200), button: .left, count: 1, modifiers: [])))
        agent(t, .gesture(.keyChord(keys: [.leftCtrl, KeyCode(46)], repeat: 1)))

        say("terminal double-clicks inside its own half while browser drags: the seat runs one gesture at a time.")
        agent(t, .gesture(.click(at: Point(x: 1400, y: 300), button: .left, count: 2, modifiers: [])))
        agent(b, .gesture(.drag(path: [Point(x: 100, y: 100), Point(x: 400, y: 300)], button: .left, modifiers: [])))
        run(.milliseconds(400))

        say("The human grabs the mouse and clicks: physical input goes first and pauses every agent.")
        feed(.physical(device: 7, Frame([EvdevEvent(type: EV.rel, code: REL.x, value: 12),
                                         EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 1)])))
        run(.milliseconds(80))
        feed(.physical(device: 7, Frame([EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 0)])))
        agent(b, .gesture(.click(at: Point(x: 300, y: 400), button: .left, count: 1, modifiers: [])))
        say("A quiet second later the agents resume (nothing stale is replayed).")
        run(.milliseconds(1100))
        say("The human's click may have moved focus: browser's typing is refused until it clicks back.")
        agent(b, .gesture(.type(text: "more")))
        agent(b, .gesture(.click(at: Point(x: 300, y: 400), button: .left, count: 1, modifiers: [])))
        run(.milliseconds(60))
        agent(b, .gesture(.type(text: "more")))
        run(.milliseconds(40))

        say("Mid-word, an operator revokes browser's lease: its keys are released, the queue advances, tester is granted.")
        if let l = engine.leases.leases(of: b).first {
            feed(.operator(OperatorID(1), RequestID(next()), .revoke(l.id)))
        }
        run(.milliseconds(10))

        flushFrames()
        print("\nThe audit log: one hash-chained JSON line per decision. Typed text is redacted (length + keyed hash):")
        if let typed = auditLines.first(where: { $0.contains("\"action\":\"type\"") }) { print("  " + typed) }
        print("... and the last line:")
        if let last = auditLines.last { print("  " + last) }
        let verdict = AuditVerifier.verify(lines: auditLines, expectedHead: chain.head)
        print("\naudit verify: \(auditLines.count) records, \(verdict.map { "FAILED: \($0)" } ?? "chain intact")")
    }

    // MARK: Narration

    mutating func next() -> UInt64 { defer { request += 1 }; return request }

    mutating func say(_ s: String) {
        flushFrames()
        print("\n== \(s)")
    }

    mutating func agent(_ s: SessionID, _ req: AgentRequest) {
        let who = [Self.browser, Self.terminal, Self.tester].first { $0.session == s }!
        let what: String = switch req {
        case .acquire(let l): "acquire \(l.resources)\(l.mode == .try ? " (try)" : "")"
        case .gesture(let g): "\(g.kind) \(Self.describe(g))"
        case .release(let id): "release \(id)"
        default: "\(req)"
        }
        flushFrames()
        print("\(stamp())  \(who) → \(what)")
        feed(.agent(s, RequestID(next()), req))
    }

    /// Advances the virtual clock through every deadline up to `d` from now.
    mutating func run(_ d: Duration) {
        let end = now + d
        while let t = engine.nextDeadline, t <= end {
            now = max(now, t)
            feed(.tick)
        }
        now = end
        feed(.tick)
    }

    mutating func feed(_ input: EngineInput) {
        var out = CollectingOutput()
        engine.handle(input, at: now, into: &out)
        for record in out.records {
            if case .emit(let d, _) = record {
                pending[d, default: (0, now)].count += 1
                continue
            }
            flushFrames()
            switch record {
            case .emit: break
            case .reply(let who, _, let reply): print("\(stamp())    reply to \(who): \(Self.describe(reply))")
            case .notify(let s, let e): print("\(stamp())    event to session \(s): \(Self.describe(e))")
            case .audit(let a):
                let r = chain.append(a, wallTime: WallTime(nanosecondsSinceEpoch: wallAtZero + a.time.nanoseconds))
                auditLines.append(r.line)
            case .device(let a):
                if case .create(let id) = a { print("\(stamp())    devices created: inputmux agent \(id.name)#\(id.session) pointer|keyboard") }
            case .capture(let o):
                print("\(stamp())    capture ordered: \(o.rect) of \(o.lease)")
            case .focusSeat(let s, let target):
                print("\(stamp())    focus of session \(s)'s own seat put on \(target)")
            }
        }
    }

    /// Frames are summed per device until something else is said, so a paced gesture
    /// reads as one line: "9 frames written to keyboard#1 over 123 ms".
    mutating func flushFrames() {
        for (d, p) in pending.sorted(by: { $0.key.description < $1.key.description }) {
            let span = (now - p.since).nanosecondCount / 1_000_000
            print("\(stamp())    \(p.count) frame\(p.count == 1 ? "" : "s") written to \(d)\(span > 0 ? " over the last \(span) ms" : "")")
        }
        pending.removeAll()
    }

    func stamp() -> String {
        let ms = now.nanoseconds / 1_000_000
        let s = String(ms)
        return "t+" + String(repeating: " ", count: max(0, 5 - s.count)) + s + "ms"
    }

    static func describe(_ g: Gesture) -> String {
        switch g {
        case .click(let at, let b, let n, _): "\(b) x\(n) at \(at.map(\.description) ?? "here")"
        case .drag(let path, _, _): "along \(path.map(\.description).joined(separator: " → "))"
        case .type(let text): "\(text.count) characters"
        case .keyChord(let keys, _): keys.map(keyName).joined(separator: "+")
        default: ""
        }
    }

    /// The few keys the demo uses, by name.
    static func keyName(_ k: KeyCode) -> String {
        switch k {
        case .leftCtrl: "ctrl"
        case .leftShift: "shift"
        case .leftAlt: "alt"
        case KeyCode(46): "c"
        default: k.description
        }
    }

    static func describe(_ r: Reply) -> String {
        switch r {
        case .granted(let l): "granted \(l.id) \(l.resources)"
        case .queued(let l, let pos, let reason): "queued \(l.id) at position \(pos): \(reason)"
        case .pendingApproval(let l, let reason): "pending approval \(l.id): \(reason)"
        case .done: "done"
        case .status: "status"
        case .captured(let o, let f): "captured \(f.rect) of \(o.lease) as \(f.width)x\(f.height) \(f.format)"
        case .rejected(let why): "rejected [\(why.code.rawValue)] \(why.message)"
        }
    }

    static func describe(_ e: LeaseEvent) -> String {
        switch e {
        case .granted(let l): "granted \(l.id) \(l.resources)"
        case .ended(let id, let why): "\(id) ended [\(why.code.rawValue)] \(why.message)"
        case .paused(let id, let why): "\(id) paused [\(why.code.rawValue)] \(why.message)"
        case .resumed(let id): "\(id) resumed"
        case .moved(let id, let r): "\(id) moved to \(r)"
        case .humanActive(let why): "[\(why.code.rawValue)] \(why.message)"
        case .humanQuiet: "resumed: the human is quiet"
        case .frozen(let why): "frozen [\(why.code.rawValue)] \(why.message)"
        case .unfrozen: "unfrozen"
        }
    }
}
