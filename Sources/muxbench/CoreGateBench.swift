import InputMuxCore
import InputMuxTestSupport

/// Gate decisions: `Engine.check` on the allowed path, the one every accepted gesture
/// takes. Twelve sessions hold side-by-side regions (one with the keyboard and focus
/// evidence); the loop cycles through a click, a move, a drag, a scroll, a key chord and a
/// click at the session's own position.
struct CoreGateBench {
    var decisions: Int
    var seconds: Double
    var allocationsPerDecision: Double
    var allowed: Int

    static func run(iterations: Int) -> CoreGateBench {
        let (engine, cases) = setUp()
        // Warm up (first-touch costs are not the hot path).
        var allowed = 0
        for (s, g) in cases where engine.check(g, from: s, at: engine.now).isAllowed { allowed += 1 }
        precondition(allowed == cases.count, "the gate benchmark's gestures must all be allowed")

        // Timed in rounds and the fastest round kept: on a shared machine the slow rounds
        // measure other processes, not the gate. Allocations are counted over all rounds.
        let rounds = 5
        let perRound = max(1, iterations / rounds)
        let now = engine.now
        let n = cases.count
        var i = 0
        var best = Int64.max
        allowed = 0
        let allocsBefore = CoreMalloc.allocations
        for _ in 0..<rounds {
            let t0 = CoreClock.nanoseconds()
            for _ in 0..<perRound {
                let (s, g) = cases[i]
                if engine.check(g, from: s, at: now).isAllowed { allowed &+= 1 }
                i += 1
                if i == n { i = 0 }
            }
            best = min(best, CoreClock.nanoseconds() - t0)
        }
        let allocs = CoreMalloc.allocations - allocsBefore
        return CoreGateBench(decisions: perRound, seconds: Double(best) / 1e9,
                             allocationsPerDecision: Double(allocs) / Double(perRound * rounds), allowed: allowed)
    }

    static func setUp() -> (Engine, [(SessionID, Gesture)]) {
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        config.rateLimit = .unlimited
        var engine = Engine(config: config)
        var out = CoreNullOutput()
        var t = Instant.zero
        var request: UInt64 = 1
        var cases: [(SessionID, Gesture)] = []
        for i in 0..<12 {
            let s = SessionID(UInt32(i + 1))
            let r = Region(x: Int32(i) * 160, y: 0, width: 160, height: 1080)
            engine.handle(.connect(AgentIdentity(name: "bench\(i)", session: s), .agent), at: t, into: &out)
            engine.handle(.agent(s, RequestID(request), .acquire(LeaseRequest(.region(r, keyboard: i == 0), mode: .try))), at: t, into: &out)
            request += 1
            let p = Point(x: r.x + 80, y: 500)
            cases.append((s, .click(at: p, button: .left, count: 1, modifiers: [])))
            cases.append((s, .move(to: Point(x: r.x + 10, y: 10))))
            cases.append((s, .drag(path: [p, Point(x: r.x + 100, y: 700), Point(x: r.x + 150, y: 900)], button: .left, modifiers: [])))
            cases.append((s, .scroll(at: p, dx: 0, dy: 3, unit: .notches)))
        }
        // Session 1 clicks into its region (focus evidence), then may type.
        let s1 = SessionID(1)
        engine.handle(.agent(s1, RequestID(request), .gesture(.click(at: Point(x: 80, y: 500), button: .left, count: 1, modifiers: []))), at: t, into: &out)
        for _ in 0..<10 {
            t = t + .milliseconds(5)
            engine.handle(.tick, at: t, into: &out)
        }
        cases.append((s1, .keyChord(keys: [.leftCtrl, KeyCode(46)], repeat: 1)))
        cases.append((s1, .click(at: nil, button: .left, count: 2, modifiers: [])))
        return (engine, cases)
    }
}
