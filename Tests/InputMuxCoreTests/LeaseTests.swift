import Testing
@testable import InputMuxCore

@Suite("Leases") struct LeaseTests {
    @Test func grantsAFreeRegion() {
        let t = Timeline()
        let A = t.at(0.ms) { t.connect("A") }
        let r = t.at(5.ms) { A.acquire(leftHalf) }
        #expect(r.isGranted)
        #expect(r.lease?.state == .active)
        #expect(r.lease?.expiresAt == .zero + 5.ms + 30.s)
    }

    @Test func aSecondAgentOnTheSameRegionIsQueuedWithTheHolderNamed() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = t.at(5.ms) { A.acquire(leftHalf) }
        let b = t.at(10.ms) { B.acquire(Region(x: 0, y: 0, width: 960, height: 1080)) }
        #expect(b.queuePosition == 1)
        #expect(b.lease?.state == .queued)
        let reason = try! #require(b.reason)
        #expect(reason.contains("lease queued: agent \"B\"#2 requested region 0,0,960x1080 overlapping \"A\"#1's lease \(a.leaseID!)"))
        #expect(reason.contains("held since t+5.0ms"))
        #expect(reason.contains("queue position 1"))
        #expect(reason.contains("it ends when \"A\" releases, its TTL lapses"))
        #expect(reason.contains("or an operator revokes it"))
    }

    @Test func tryIsDeniedWithTheExplicitReasonAndTakesNothing() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = t.at(5.ms) { A.acquire(leftHalf) }
        let b = t.at(10.ms) { B.acquire(Region(x: 100, y: 100, width: 10, height: 10), mode: .try) }
        #expect(b.code == .conflict)
        #expect(b.reason!.hasPrefix("lease denied: agent \"B\"#2 requested region 100,100,10x10 overlapping \"A\"#1's lease \(a.leaseID!)"))
        #expect(b.reason!.contains("queue position 1"))
        #expect(t.engine.leases.leases.count == 1)
        #expect(t.engine.leases.queue.isEmpty)
    }

    @Test func disjointRegionsAreGrantedTogether() {
        let t = Timeline()
        let agents = ["A", "B", "C"].map { t.connect($0) }
        for (a, r) in zip(agents, thirds) { #expect(a.acquire(r).isGranted) }
        #expect(t.engine.leases.leases.values.allSatisfy { $0.state == .active })
    }

    @Test func releaseGrantsTheNextWaiterAutomatically() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = t.at(5.ms) { A.acquire(leftHalf) }
        let b = t.at(10.ms) { B.acquire(leftHalf) }
        t.at(20.ms) { #expect(A.release(a.leaseID!).isDone) }
        #expect(B.events.compactMap(\.grantedLease) == [b.leaseID!])
        #expect(t.engine.leases[b.leaseID!]?.state == .active)
        #expect(t.engine.leases[b.leaseID!]?.grantedAt == .zero + 20.ms)
    }

    @Test func aLaterRequestDoesNotJumpAnEarlierConflictingWaiter() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        let a = A.acquire(desktop)
        let b = B.acquire(leftHalf)   // waits for A
        let c = C.acquire(Region(x: 100, y: 0, width: 100, height: 100)) // waits for A, and behind B
        #expect(c.queuePosition == 2)
        #expect(c.reason!.contains("\"A\"#1's lease"))
        A.release(a.leaseID!)
        #expect(t.engine.leases[b.leaseID!]?.state == .active)
        #expect(t.engine.leases[c.leaseID!]?.state == .queued)   // B holds it now
        #expect(C.events.isEmpty)
    }

    @Test func aTryBehindAnEarlierWaiterIsDeniedNamingTheWaiter() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        A.acquire(leftHalf)
        let b = B.acquire(rightHalf, keyboard: true)
        #expect(b.isGranted)
        let x = A.acquire(rightHalf)  // A waits on B's region
        #expect(x.queuePosition == 1)
        // C asks for part of A's region while A still holds it: denied, naming A.
        let c = C.acquire(Region(x: 0, y: 0, width: 10, height: 10), mode: .try)
        #expect(c.code == .conflict)
        // And the keyboard is one holder per seat.
        let k = C.acquire(Region(x: 961, y: 0, width: 1, height: 1), keyboard: true, mode: .try)
        #expect(k.code == .conflict)
        #expect(k.reason!.contains("requested the keyboard held by \"B\"#2's lease"))
    }

    @Test func aQueuedRequestGivesUpAfterItsTimeout() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        let b = t.at(10.ms) { B.acquire(leftHalf, mode: .wait(timeout: 500.ms)) }
        t.at(509.ms)
        #expect(t.engine.leases[b.leaseID!]?.state == .queued)
        t.at(510.ms)
        #expect(t.engine.leases[b.leaseID!] == nil)
        #expect(B.events.compactMap(\.endedLease).first! == (b.leaseID!, .queueTimeout))
    }

    @Test func theTTLLapsesWithoutHeartbeatAndTheQueueAdvances() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf, ttl: 2.s)
        let b = B.acquire(leftHalf)
        t.at(1500.ms) { #expect(A.heartbeat().isDone) }
        t.at(3400.ms)
        #expect(t.engine.leases[a.leaseID!]?.state == .active)   // renewed at 1.5 s: lapses at 3.5 s
        t.at(3500.ms)
        #expect(t.engine.leases[a.leaseID!] == nil)
        #expect(A.events.compactMap(\.endedLease).first! == (a.leaseID!, .ttlExpired))
        #expect(B.events.compactMap(\.grantedLease) == [b.leaseID!])
    }

    @Test func activityRenewsTheTTL() {
        let t = Timeline()
        let A = t.connect("A")
        let a = A.acquire(leftHalf, ttl: 1.s)
        t.at(900.ms) { #expect(A.perform(.move(to: Point(x: 10, y: 10))).isDone) }
        t.at(1500.ms)
        #expect(t.engine.leases[a.leaseID!]?.state == .active)
    }

    @Test func nobodyHoldsLongerThanTheMaximumHold() {
        let t = Timeline { $0.maximumHold = 10.s }
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf, ttl: 5.s)
        let b = B.acquire(leftHalf)
        for i in 1...9 { t.at(Duration.seconds(i)) { A.heartbeat() } }
        t.at(10.s)
        #expect(A.events.compactMap(\.endedLease).first! == (a.leaseID!, .maxHold))
        #expect(B.events.compactMap(\.grantedLease) == [b.leaseID!])
    }

    @Test func statusTakesExtendsAndDisturbsNothing() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf, ttl: 2.s)
        B.acquire(leftHalf)
        let before = t.engine.leases
        let mark = t.mark
        let s = t.at(1.s) { B.status() }
        _ = t.op(.status)
        #expect(t.engine.leases.leases == before.leases)
        #expect(t.engine.leases.queue == before.queue)
        #expect(s.held.map(\.id) == [a.leaseID!])
        #expect(s.waiting.map(\.queuePosition) == [1])
        #expect(s.cancelTargets.isEmpty)    // an ordinary agent cancels nothing
        t.at(2.s)
        #expect(t.engine.leases[a.leaseID!] == nil)    // status did not extend the TTL
        #expect(t.frames(since: mark).isEmpty)
    }

    @Test func sensitiveRegionsWaitForApproval() {
        let t = Timeline { $0.sensitiveRegions = [Region(x: 0, y: 0, width: 100, height: 100)] }
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf)
        guard case .pendingApproval(let info, let why) = a else { Issue.record("expected pending approval"); return }
        #expect(info.state == .pendingApproval)
        #expect(why.contains("muxctl approve \(info.id)"))
        #expect(A.send(.move(to: Point(x: 5, y: 5))) != RequestID(0))
        #expect(t.out.audits.last?.reason == .leaseNotActive)
        #expect(t.op(.approve(info.id)).isDone)
        #expect(A.events.compactMap(\.grantedLease) == [info.id])

        let b = B.acquire(Region(x: 0, y: 0, width: 50, height: 50), mode: .try)
        guard case .pendingApproval(let binfo, _) = b else { Issue.record("expected pending approval"); return }
        #expect(t.op(.deny(binfo.id)).isDone)
        #expect(B.events.compactMap(\.endedLease).first! == (binfo.id, .approvalDenied))
    }

    @Test func badRegionsAreRefusedWithWhatToDo() {
        let t = Timeline()
        let A = t.connect("A")
        let r = A.acquire(Region(x: 1900, y: 0, width: 100, height: 100))
        #expect(r.code == .invalidRegion)
        #expect(r.reason!.contains("not inside the desktop 0,0,1920x1080"))
        #expect(A.acquire(Region(x: 0, y: 0, width: 0, height: 10)).code == .invalidRegion)
        let P = t.connect("P", SessionPolicy(rights: .agent, allowedRegions: [rightHalf]))
        #expect(P.acquire(leftHalf).code == .notAllowed)
        #expect(P.acquire(rightHalf).isGranted)
    }

    @Test func windowLeasesFollowTheWindowAndEndWhenItGoes() {
        let t = Timeline()
        let A = t.connect("A")
        let w = WindowID(0x4200001)
        let (_, reply) = A.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: Region(x: 0, y: 0, width: 200, height: 200))))))
        let id = reply!.leaseID!
        t.send(.windowGeometry(w, Region(x: 300, y: 300, width: 200, height: 200)))
        #expect(A.events.contains(.moved(id, Region(x: 300, y: 300, width: 200, height: 200))))
        #expect(A.perform(.move(to: Point(x: 350, y: 350))).isDone)
        #expect(A.perform(.move(to: Point(x: 50, y: 50))).code == .outsideRegion)
        t.send(.windowGeometry(w, nil))
        #expect(A.events.compactMap(\.endedLease).last! == (id, .windowClosed))
    }
}

@Suite("Leases: reasons and edges") struct LeaseEdgeTests {
    @Test func reasonsUseWallClockTimeWhenTheDaemonKnowsIt() {
        // 2026-11-21 12:01:07 UTC at Instant.zero.
        let t = Timeline { $0.wallClockAtZero = 1_795_262_467 * 1_000_000_000 }
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        let b = t.at(2.s) { B.acquire(leftHalf, mode: .try) }
        #expect(b.reason!.contains("held since 12:01:07.000Z"))
    }

    @Test func aWindowMoveStopsTheHoldersGestureCompiledForTheOldPlace() {
        let t = Timeline()
        let A = t.connect("A")
        let w = WindowID(7)
        A.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: Region(x: 0, y: 0, width: 400, height: 400))))))
        let r = A.send(.drag(path: [Point(x: 10, y: 10), Point(x: 390, y: 390)], button: .left, modifiers: []))
        t.run(for: 20.ms)
        t.send(.windowGeometry(w, Region(x: 1000, y: 0, width: 400, height: 400)))
        #expect(A.reply(r)?.code == .outsideRegion)
        #expect(t.engine.neutral.held(on: A.pointer).isEmpty)
    }

    @Test func aWindowMovedOverAnotherHolderEndsTheWindowLease() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let w = WindowID(9)
        let a = A.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: Region(x: 0, y: 0, width: 100, height: 100)))))).1!.leaseID!
        B.acquire(rightHalf)
        t.send(.windowGeometry(w, Region(x: 1000, y: 0, width: 100, height: 100)))
        #expect(A.events.compactMap(\.endedLease).last! == (a, .conflict))
    }

    @Test func anApprovedWaiterKeepsItsPlaceInTheQueue() {
        let t = Timeline { $0.sensitiveRegions = [Region(x: 0, y: 0, width: 10, height: 10)] }
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        let a = A.acquire(rightHalf).leaseID!
        guard case .pendingApproval(let binfo, _) = B.acquire(desktop) else { Issue.record("expected pending"); return }
        let c = C.acquire(rightHalf).leaseID!     // queued behind A
        #expect(t.op(.approve(binfo.id)).isDone)  // B now waits too, and asked before C
        #expect(t.engine.leases.queue == [binfo.id, c])
        A.release(a)
        #expect(B.events.compactMap(\.grantedLease) == [binfo.id])
        #expect(C.events.compactMap(\.grantedLease).isEmpty)
    }

    @Test func anAbsurdTimeoutMeansNeverNotThePast() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        A.acquire(leftHalf)
        let b = B.acquire(leftHalf, mode: .wait(timeout: .seconds(Int64.max)), ttl: .seconds(Int64.max))
        t.run(for: 10.s)
        #expect(t.engine.leases[b.leaseID!]?.state == .queued)
    }

    @Test func releaseOfSomeoneElsesLeaseIsRefused() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf).leaseID!
        #expect(B.release(a).code == .unknownLease)
        #expect(t.engine.leases[a]?.state == .active)
    }

    @Test func afterShutdownNothingNewStarts() {
        let t = Timeline()
        let A = t.connect("A")
        t.send(.shutdown)
        let mark = t.mark
        t.connect("B")
        #expect(!t.records(since: mark).contains { if case .device(.create) = $0 { true } else { false } })
        #expect(t.op(.revoke(LeaseID(1))).code == .shutdown)
        #expect(A.request(.status).1?.code == .unknownSession)
    }
}
