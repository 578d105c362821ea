import Testing
@testable import InputMuxCore

/// Floods and limits (issue 15): leases per session, the keyboard lease's region, every
/// request rate-limited, repeated refusals folded in the audit, gesture duration, and
/// sessions taking turns on the seat.
@Suite struct FloodTests {
    static func cell(_ i: Int) -> Region { Region(x: Int32(i % 19) * 100, y: Int32(i / 19) * 100, width: 100, height: 100) }

    static func keyboardOnly(_ r: Region, mode: AcquireMode = .try) -> AgentRequest {
        .acquire(LeaseRequest(LeaseResources(area: .region(r), pointer: false, keyboard: true), mode: mode))
    }

    // MARK: leases per session

    @Test func aSessionHoldsAtMostEightLeasesAndTheNinthIsRefusedWithAReason() {
        let t = Timeline()
        let A = t.connect("A")
        let first = A.acquire(Self.cell(0), mode: .try)
        #expect(first.isGranted)
        for i in 1..<8 { #expect(A.acquire(Self.cell(i), mode: .try).isGranted, "lease \(i + 1)") }
        let ninth = A.acquire(Self.cell(8), mode: .try)
        #expect(ninth.code?.rawValue == "too_many_leases", "\(ninth)")
        #expect(ninth.reason?.contains("8 leases") == true, "\(ninth.reason ?? "")")
        #expect(t.engine.leases.leases(of: A.id).count == 8)
        // Releasing one makes room for one.
        #expect(A.release(first.leaseID!).isDone)
        #expect(A.acquire(Self.cell(8), mode: .try).isGranted)
    }

    @Test func queuedAndPendingRequestsCountTowardTheCap() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        #expect(B.acquire(rightHalf, mode: .try).isGranted)
        for _ in 0..<8 { #expect(A.acquire(rightHalf).queuePosition != nil) }
        let ninth = A.acquire(rightHalf)
        #expect(ninth.code?.rawValue == "too_many_leases", "\(ninth)")
        #expect(t.engine.leases.queue.count == 8)
    }

    @Test func thousandsOfLeasesAcrossSessionsLapseAndAnswerStatusCorrectly() {
        // The table's indexes (deadline heap, region grid) give the same answers as before.
        let t = Timeline()
        let sessions = (0..<40).map { t.connect("s\($0)") }
        for (k, s) in sessions.enumerated() {
            for j in 0..<8 {
                let i = k * 8 + j
                let r = Region(x: Int32(i % 32) * 60, y: Int32(i / 32) * 100, width: 60, height: 100)
                #expect(s.request(.acquire(LeaseRequest(.region(r), mode: .try, ttl: .seconds(5 + j)))).1!.isGranted)
            }
        }
        #expect(t.engine.leases.all.count == 320)
        // Every cell is taken: a region over all of them conflicts, with the oldest holder.
        let late = t.connect("late")
        let denied = late.acquire(desktop, mode: .try)
        #expect(denied.code == .conflict)
        #expect(denied.reason?.contains("L1") == true, "\(denied.reason ?? "")")
        let snapshot = t.op(.status)
        guard case .status(let s) = snapshot else { Issue.record("no status"); return }
        #expect(s.held.count == 320)
        #expect(s.held.map(\.id) == s.held.map(\.id).sorted())
        // Heartbeats keep session 0's leases; the others lapse by TTL, 40 at a time.
        for step in 1...12 {
            t.at(.seconds(step)) { sessions[0].heartbeat() }
        }
        #expect(t.engine.leases.all.count == 8, "\(t.engine.leases.all.count) leases left")
        #expect(late.acquire(rightHalf, mode: .try).isGranted)
    }

    // MARK: the keyboard lease's region

    @Test func aKeyboardLeaseOverAnotherSessionsPointerRegionConflicts() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        #expect(B.acquire(rightHalf, mode: .try).isGranted)
        let r = A.request(Self.keyboardOnly(rightHalf)).1!
        #expect(r.code == .conflict, "\(r)")
        // And the other way round: a pointer lease over another session's keyboard region.
        #expect(A.request(Self.keyboardOnly(leftHalf)).1!.isGranted)
        let C = t.connect("C")
        #expect(C.acquire(Region(x: 100, y: 100, width: 100, height: 100), mode: .try).code == .conflict)
        // Beside it, no conflict.
        #expect(C.acquire(Region(x: 1000, y: 100, width: 100, height: 100), mode: .try).code == .conflict)  // B's
        #expect(B.acquire(Region(x: 1000, y: 100, width: 100, height: 100), mode: .try).isGranted)           // its own
    }

    @Test func anAgentCannotTypeIntoAnotherAgentsFocusedWindowThroughAKeyboardLease() {
        // With a window system, the focused window lying inside a keyboard lease's region
        // proves the focus: B's focused window must not prove it for A.
        let t = Timeline { $0.windowSystemFocus = true }
        let A = t.connect("A"), B = t.connect("B")
        #expect(B.acquire(rightHalf, mode: .try).isGranted)
        t.send(.focusedWindow(WindowID(0x42), Region(x: 1000, y: 100, width: 400, height: 300)))
        A.request(Self.keyboardOnly(rightHalf, mode: .wait(timeout: nil)))
        let m = t.mark
        let typed = A.perform(.type(text: "hunter"))
        #expect(typed.code != nil, "\(typed)")
        #expect(t.keyEvents(since: m, on: A.keyboard).isEmpty)
    }

    // MARK: rate limits and audit flooding

    @Test func everyRequestIsRateLimitedNotOnlyGestures() {
        let t = Timeline { $0.rateLimit = RateLimit(burst: 5, perSecond: 1) }
        let A = t.connect("A")
        let verbs: [AgentRequest] = [
            .acquire(LeaseRequest(.region(leftHalf), mode: .try)), .heartbeat, .status, .supervise(.status),
            .release(LeaseID(999)),
        ]
        var limited = 0
        for i in 0..<20 {
            let r = A.request(verbs[i % verbs.count]).1!
            if r.code == .rateLimited { limited += 1 }
        }
        #expect(limited == 15)
        // The bucket refills.
        t.run(for: 2.s)
        #expect(A.heartbeat().isDone)
    }

    @Test func aFloodOfIdenticalRefusalsIsAuditedAsOneCountedRecord() {
        let t = Timeline { $0.rateLimit = RateLimit(burst: 5, perSecond: 1) }
        let A = t.connect("A")
        let m = t.mark
        for _ in 0..<1000 { A.send(.click(at: Point(x: 5, y: 5), button: .left, count: 1, modifiers: [])) }
        for _ in 0..<1000 { A.request(.acquire(LeaseRequest(.region(Region(x: 0, y: 0, width: 0, height: 0)), mode: .try))) }
        let atOnce = t.audits(since: m)
        #expect(atOnce.count <= 4, "\(atOnce.count) audit records for 2000 refusals")
        t.run(for: 3.s)
        let all = t.audits(since: m)
        #expect(all.count <= 8, "\(all.count) audit records")
        let repeated = all.compactMap(\.repeated).reduce(0, +)
        #expect(all.filter { $0.repeated == nil }.count + repeated == 2000, "\(all.map(\.message))")
        #expect(all.contains { $0.message.contains("repeated") })
    }

    @Test func differentRefusalsAreNotFoldedTogether() {
        let t = Timeline()
        let A = t.connect("A")
        let m = t.mark
        A.send(.click(at: Point(x: 5, y: 5), button: .left, count: 1, modifiers: []))
        A.request(.acquire(LeaseRequest(.region(Region(x: 0, y: 0, width: 0, height: 0)), mode: .try)))
        #expect(A.acquire(leftHalf, mode: .try).isGranted)
        A.send(.click(at: Point(x: 1500, y: 5), button: .left, count: 1, modifiers: []))
        let reasons = t.audits(since: m).compactMap(\.reason)
        #expect(reasons == [.noLease, .invalidRegion, .outsideRegion], "\(reasons)")
    }

    // MARK: the seat

    @Test func aGestureLongerThanTheMaximumDurationIsRefusedBeforeAnythingIsSent() {
        let t = Timeline()   // the standard pacing
        let A = t.connect("A")
        #expect(A.acquire(desktop, mode: .try).isGranted)
        // A zigzag over the whole desktop: hundreds of seconds at the standard drag pace.
        let path = (0..<1024).map { Point(x: $0 % 2 == 0 ? 0 : 1919, y: Int32($0 % 1080)) }
        let m = t.mark
        let id = A.send(.drag(path: path, button: .left, modifiers: []))
        let r = A.reply(id)
        #expect(r?.code == .tooLarge, "\(String(describing: r))")
        #expect(r?.reason?.contains("maximum gesture duration") == true, "\(r?.reason ?? "")")
        #expect(t.frames(since: m).isEmpty)
    }

    @Test func otherSessionsGesturesInterleaveBetweenOneSessionsQueuedGestures() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        #expect(A.acquire(thirds[0], mode: .try).isGranted)
        #expect(B.acquire(thirds[1], mode: .try).isGranted)
        #expect(C.acquire(thirds[2], mode: .try).isGranted)
        func click(_ x: Int32) -> Gesture { .click(at: Point(x: x, y: 100), button: .left, count: 1, modifiers: []) }
        let a = (0..<4).map { A.send(click(100 + Int32($0))) }
        let b = (0..<2).map { B.send(click(700 + Int32($0))) }
        let c = [C.send(click(1300))]
        t.run(for: 5.s)
        func order(_ s: Agent, _ r: RequestID) -> Int {
            t.out.records.firstIndex { if case .reply(.session(s.id), r, _) = $0 { return true } else { return false } } ?? -1
        }
        let finished = ([(A, a[0], "a0"), (A, a[1], "a1"), (A, a[2], "a2"), (A, a[3], "a3"), (B, b[0], "b0"), (B, b[1], "b1"),
                         (C, c[0], "c0")] as [(Agent, RequestID, String)])
            .sorted { order($0.0, $0.1) < order($1.0, $1.1) }.map(\.2)
        #expect(finished == ["a0", "b0", "c0", "a1", "b1", "a2", "a3"], "\(finished)")
    }
}
