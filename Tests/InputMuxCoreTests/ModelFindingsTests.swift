import Testing
import InputMuxCore
import InputMuxTestSupport

/// Timelines distilled from what the random model found, kept as plain scenarios.
struct ModelFindings {
    var engine: Engine
    var out = CollectingOutput()
    var request: UInt64 = 1

    init() {
        var config = EngineConfig(desktop: Region(x: 0, y: 0, width: 1920, height: 1080), pacing: .unpaced, keymap: USKeymap())
        config.rateLimit = .unlimited
        engine = Engine(config: config)
    }

    mutating func send(_ input: EngineInput) { engine.handle(input, at: .zero, into: &out) }

    mutating func acquire(_ s: SessionID, _ r: Region) -> LeaseID? {
        let id = RequestID(request)
        request += 1
        send(.agent(s, id, .acquire(LeaseRequest(.region(r), mode: .try))))
        return out.reply(to: .session(s), for: id)?.lease?.id
    }

    /// Pairs of leases of different holders that both hold resources and conflict.
    var conflictingHolders: [(LeaseID, LeaseID)] {
        let held = engine.leases.leases.values.filter { $0.state.holdsResources }.sorted { $0.id < $1.id }
        var pairs: [(LeaseID, LeaseID)] = []
        for (i, a) in held.enumerated() {
            for b in held[(i + 1)...] where a.holder != b.holder && a.resources.conflict(with: b.resources) != nil {
                pairs.append((a.id, b.id))
            }
        }
        return pairs
    }
}

/// A session may hold overlapping leases of its own; reassigning one of them to another
/// session must not leave two holders on the same pixels. Found by the random model
/// (seeds 1–5 with `includesReassign`); the engine now refuses such a reassign.
@Test func reassignNeverLeavesTwoHoldersOnOnePixel() throws {
    try reassignScenario()
}

func reassignScenario() throws {
    var t = ModelFindings()
    let a = SessionID(1), b = SessionID(2)
    t.send(.connect(AgentIdentity(name: "A", session: a), .agent))
    t.send(.connect(AgentIdentity(name: "B", session: b), .agent))
    let l1 = t.acquire(a, Region(x: 0, y: 0, width: 400, height: 400))
    let l2 = t.acquire(a, Region(x: 200, y: 200, width: 400, height: 400))
    let first = try #require(l1)
    #expect(l2 != nil, "a session's own leases do not conflict")
    t.send(.operator(OperatorID(1), RequestID(99), .reassign(first, to: b)))
    #expect(t.conflictingHolders.isEmpty, "\(t.conflictingHolders) after \(String(describing: t.out.reply(to: .operator(OperatorID(1)), for: RequestID(99))))")
}
