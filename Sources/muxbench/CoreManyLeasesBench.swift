import InputMuxCore
import InputMuxTestSupport

/// Many live leases at once (issue 15, "the lease table is quadratic"): `sessions`
/// sessions each acquire `perSession` disjoint cells of the desktop (`try`), then one
/// operator `status` is taken, then every TTL lapses in one engine turn. Each phase is
/// timed as a whole, in engine work only. A second run has one session ask for
/// `sessions × perSession` leases on its own: the per-session cap refuses all but the
/// first few.
struct CoreManyLeasesBench {
    var sessions: Int
    var perSession: Int
    /// Leases granted (every other acquire was refused).
    var granted: Int
    var acquireNanoseconds: Int64
    var statusNanoseconds: Int64
    var lapseNanoseconds: Int64
    var lapsed: Int

    static func run(sessions: Int, perSession: Int) -> CoreManyLeasesBench {
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        config.rateLimit = .unlimited
        config.defaultTTL = .seconds(30)
        var engine = Engine(config: config)
        var out = CoreNullOutput()
        out.keepReplies = true
        var request: UInt64 = 1
        func next() -> RequestID { defer { request += 1 }; return RequestID(request) }
        for i in 1...sessions {
            engine.handle(.connect(AgentIdentity(name: "s\(i)", session: SessionID(UInt32(i))), .agent), at: .zero, into: &out)
        }
        // Disjoint cells: a grid with at least sessions × perSession cells.
        let total = sessions * perSession
        var columns = 1
        while columns * columns * 16 < total * 9 { columns += 1 }
        let rows = (total + columns - 1) / columns
        let w = Int32(1920 / columns), h = Int32(1080 / rows)
        precondition(w > 0 && h > 0, "too many cells for the desktop")
        var granted = 0
        let t0 = CoreClock.nanoseconds()
        for k in 0..<total {
            let s = SessionID(UInt32(1 + k / perSession))
            let cell = Region(x: Int32(k % columns) * w, y: Int32(k / columns) * h, width: w, height: h)
            engine.handle(.agent(s, next(), .acquire(LeaseRequest(.region(cell), mode: .try))), at: .zero, into: &out)
            if case .granted? = out.lastReply { granted += 1 }
        }
        let t1 = CoreClock.nanoseconds()
        engine.handle(.operator(OperatorID(1), next(), .status), at: .zero, into: &out)
        let t2 = CoreClock.nanoseconds()
        let live = engine.leases.all.count
        engine.handle(.tick, at: .zero + .seconds(31), into: &out)
        let t3 = CoreClock.nanoseconds()
        precondition(engine.leases.isEmpty, "every lease must have lapsed")
        return CoreManyLeasesBench(sessions: sessions, perSession: perSession, granted: granted,
                                   acquireNanoseconds: t1 - t0, statusNanoseconds: t2 - t1, lapseNanoseconds: t3 - t2, lapsed: live)
    }
}
