import InputMuxCore
import InputMuxTestSupport

/// Lease acquire + release latency with 1,000 sessions and a deep queue: 600 sessions
/// wait for the left half of the desktop behind its holder, while the others acquire
/// (`try`) and release cells of the right half; every tenth round the left half's holder
/// releases, so the queue advances (the next waiter is granted) and rejoins at the back.
/// Each sample is the engine work of one acquire plus one release, as the daemon would
/// run them; one sample in eleven is such a handover.
struct CoreLeaseBench {
    var sessions: Int
    var queueDepth: Int
    var samples: Int
    var percentiles: CorePercentiles
    /// Only the rounds in which the left half changed hands and the queue advanced.
    var handover: CorePercentiles

    static func run(rounds: Int, waiters: Int = 600) -> CoreLeaseBench {
        let sessionCount = 1_000
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        config.rateLimit = .unlimited
        config.defaultTTL = .seconds(300)
        var engine = Engine(config: config)
        var out = CoreNullOutput()
        out.keepReplies = true
        let t = Instant.zero
        var request: UInt64 = 1
        func next() -> RequestID { defer { request += 1 }; return RequestID(request) }
        let left = Region(x: 0, y: 0, width: 960, height: 1080)
        for i in 1...sessionCount {
            engine.handle(.connect(AgentIdentity(name: "s\(i)", session: SessionID(UInt32(i))), .agent), at: t, into: &out)
        }
        // Sessions 1…601: one holder and 600 waiters on the left half.
        var leftLeases: [SessionID: LeaseID] = [:]
        for i in 1...(waiters + 1) {
            let s = SessionID(UInt32(i))
            engine.handle(.agent(s, next(), .acquire(LeaseRequest(.region(left), mode: .wait(timeout: nil)))), at: t, into: &out)
            leftLeases[s] = out.lastReply?.lease?.id
        }
        let depth = engine.leases.queue.count
        var samples: [Int64] = []
        var handovers: [Int64] = []
        samples.reserveCapacity(rounds)
        let cellW: Int32 = 960 / 8, cellH: Int32 = 1080 / 6
        for round in 0..<rounds {
            let s = SessionID(UInt32(waiters + 2 + round % (sessionCount - waiters - 1)))
            let cell = Region(x: 960 + Int32(round % 8) * cellW, y: Int32(round / 8 % 6) * cellH, width: cellW, height: cellH)
            // Found before the clock starts: the table's all-leases view is for status and
            // tests, not something the daemon does per request.
            let handover = round % 10 == 9
                ? engine.leases.leases.values.first(where: { $0.region == left && $0.state == .active }) : nil
            let t0 = CoreClock.nanoseconds()
            engine.handle(.agent(s, next(), .acquire(LeaseRequest(.region(cell), mode: .try))), at: t, into: &out)
            let id = out.lastReply?.lease?.id
            if let id { engine.handle(.agent(s, next(), .release(id)), at: t, into: &out) }
            samples.append(CoreClock.nanoseconds() - t0)
            if let holder = handover {
                // The left half changes hands: the head of the queue is granted, and the old
                // holder rejoins at the back. Its own sample: one release, one acquire.
                let t1 = CoreClock.nanoseconds()
                engine.handle(.agent(holder.holder, next(), .release(holder.id)), at: t, into: &out)
                engine.handle(.agent(holder.holder, next(), .acquire(LeaseRequest(.region(left), mode: .wait(timeout: nil)))), at: t, into: &out)
                let elapsed = CoreClock.nanoseconds() - t1
                samples.append(elapsed)
                handovers.append(elapsed)
            }
            precondition(id != nil, "right-half cells must be free")
        }
        _ = leftLeases
        return CoreLeaseBench(sessions: sessionCount, queueDepth: depth, samples: samples.count, percentiles: CorePercentiles(samples),
                              handover: CorePercentiles(handovers))
    }
}

/// Engine memory per idle session: heap bytes in use (the malloc counter's view) after
/// connecting N sessions, minus before, over N.
struct CoreMemoryBench {
    var sessions: Int
    var bytesPerSession: Double

    static func run(sessions n: Int) -> CoreMemoryBench {
        let config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        var engine = Engine(config: config)
        var out = CoreNullOutput()
        let before = CoreMalloc.bytesInUse
        for i in 1...n {
            // A realistic identity (an executable path too long for an inline string), made
            // inside the measured window: the engine keeps it for the session's life.
            let id = AgentIdentity(name: "computer-use-agent-\(i)", session: SessionID(UInt32(i)), uid: 1000, gid: 1000,
                                   pid: Int32(10_000 + i), exe: "/usr/lib/inputmux-agents/computer-use-agent-\(i)")
            engine.handle(.connect(id, .agent), at: .zero, into: &out)
        }
        let after = CoreMalloc.bytesInUse
        withExtendedLifetime(engine) {}
        return CoreMemoryBench(sessions: n, bytesPerSession: Double(after - before) / Double(n))
    }
}

/// The model-based random test as a throughput figure.
struct CoreModelBench {
    var steps: Int
    var seconds: Double

    static func run(steps: Int) -> CoreModelBench {
        var model = CoreModel(seed: 1, agents: 12)
        let t0 = CoreClock.nanoseconds()
        model.run(steps: steps)
        let t1 = CoreClock.nanoseconds()
        precondition(model.violations.isEmpty, "model violations: \(model.violations)")
        return CoreModelBench(steps: steps, seconds: Double(t1 - t0) / 1e9)
    }
}

/// Gesture compilation, for scale: what the seat spends before a transaction starts.
struct CoreCompileBench {
    var gestures: Int
    var seconds: Double

    static func run(iterations: Int) -> CoreCompileBench {
        let c = GestureCompiler(pacing: .standard, keymap: USKeymap())
        let g = Gesture.click(at: Point(x: 10, y: 10), button: .left, count: 2, modifiers: [.leftCtrl])
        let ctx = CompileContext(pointerPosition: Point(x: 10, y: 10), cursorMovedByOthers: true, region: Region(x: 0, y: 0, width: 100, height: 100))
        var frames = 0
        let t0 = CoreClock.nanoseconds()
        for _ in 0..<iterations { frames &+= (try? c.compile(g, context: ctx))?.count ?? 0 }
        let t1 = CoreClock.nanoseconds()
        precondition(frames > 0)
        return CoreCompileBench(gestures: iterations, seconds: Double(t1 - t0) / 1e9)
    }
}
