import Testing
@testable import InputMuxCore
import InputMuxTestSupport
import InputMuxWire

/// Sight in the engine (DESIGN §5b): which captures are allowed, what they may show,
/// and what the audit keeps.
@Suite struct CaptureTests {
    static func facts(_ r: Region) -> CaptureFacts {
        CaptureFacts(rect: r, width: Int(r.width) / 2, height: Int(r.height) / 2, format: "png", bytes: 1234,
                     sha256: String(repeating: "ab", count: 32), waited: .milliseconds(120), settled: true)
    }

    @Test func aLeaseHolderIsOrderedItsWholeLeaseAndTheOrderCarriesItsLastAction() {
        let t = Timeline()
        let A = t.connect("A")
        let l = A.acquire(leftHalf).leaseID!
        t.at(10.ms) { #expect(A.click(100, 100).isDone) }
        let mark = t.mark
        let (id, reply) = t.at(1.s) { A.request(.capture(CaptureRequest(cursor: true))) }
        #expect(reply == nil)  // answered once made
        let orders = t.records(since: mark).compactMap { if case .capture(let o) = $0 { return o } else { return nil } }
        let order = try! #require(orders.first)
        #expect(order.lease == l && order.rect == leftHalf && order.requester == .session(A.id) && order.request == id)
        #expect(order.lastAction != nil && order.lastAction! >= .zero + 10.ms && order.lastAction! < .zero + 1.s)
        #expect(order.cursor == Point(x: 100, y: 100))
        // Made: replied with the facts and audited with the hash.
        t.send(.captured(order, .success(Self.facts(order.rect))))
        guard case .captured(_, let f)? = A.reply(id) else { Issue.record("no captured reply"); return }
        #expect(f.sha256 == String(repeating: "ab", count: 32))
        let audit = try! #require(t.audits(since: mark).last)
        #expect(audit.action == "capture" && audit.decision == .allowed && audit.capture == f && audit.identity?.name == "A")
        let line = AuditRecord.body(event: audit, sequence: 1, wallTime: WallTime(nanosecondsSinceEpoch: 0), prevHash: "0")
        #expect(line.contains("\"sha256\":\"" + String(repeating: "ab", count: 32) + "\""))
        #expect(line.contains("\"settle_ms\":120"))
    }

    @Test func aSubRectangleMustLieInsideTheLease() {
        let t = Timeline()
        let A = t.connect("A")
        _ = A.acquire(leftHalf)
        let inside = Region(x: 10, y: 10, width: 100, height: 100)
        let mark = t.mark
        _ = A.request(.capture(CaptureRequest(rect: inside)))
        #expect(t.out.captures.last?.rect == inside)
        // One pixel over the lease's edge is refused, never clipped.
        let over = Region(x: 900, y: 10, width: 61, height: 10)
        let r = A.request(.capture(CaptureRequest(rect: over))).1
        #expect(r?.code == .outsideRegion)
        #expect(t.out.captures.count == t.records(since: 0).filter { if case .capture = $0 { return true } else { return false } }.count)
        #expect(t.records(since: mark).filter { if case .capture = $0 { return true } else { return false } }.count == 1)
        #expect(t.audits(since: mark).last?.reason == .outsideRegion)
    }

    @Test func aWindowNotShownIsNotCapturedUntilItIsShownAgain() {
        let t = Timeline()
        let A = t.connect("A")
        let w = WindowID(9)
        _ = A.request(.acquire(LeaseRequest(LeaseResources(area: .window(w, geometry: Region(x: 100, y: 100, width: 300, height: 200))))))
        // The window system no longer shows it: its lease covers nothing.
        t.send(.windowGeometry(w, Region(x: 100, y: 100, width: 0, height: 0)))
        let before = t.out.captures.count
        let r = A.request(.capture(CaptureRequest())).1
        #expect(r?.code == .captureFailed && r?.rejection?.message.contains("not shown") == true, "\(String(describing: r))")
        #expect(t.out.captures.count == before)
        t.send(.windowGeometry(w, Region(x: 100, y: 100, width: 300, height: 200)))
        _ = A.request(.capture(CaptureRequest()))
        #expect(t.out.captures.count == before + 1)
    }

    @Test func noLeaseNoPictureAndNoRightNoPicture() {
        let t = Timeline()
        let A = t.connect("A")
        #expect(A.request(.capture(CaptureRequest())).1?.code == .noLease)
        let B = t.connect("B", SessionPolicy(rights: .agent))
        _ = B.acquire(rightHalf)
        let r = B.request(.capture(CaptureRequest())).1
        #expect(r?.code == .captureNotAllowed)
        #expect(r?.rejection?.message.contains("capture = true") == true)
        #expect(t.out.captures.isEmpty)
    }

    @Test func aQueuedLeaseShowsNothingAndAnotherAgentsLeaseCannotBeNamed() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf).leaseID!
        let b = B.acquire(leftHalf).leaseID!  // queued behind A
        #expect(B.request(.capture(CaptureRequest())).1?.code == .noLease)
        #expect(B.request(.capture(CaptureRequest(lease: b))).1?.code == .leaseNotActive)
        #expect(B.request(.capture(CaptureRequest(lease: a))).1?.code == .unknownLease)
        #expect(t.out.captures.isEmpty)
    }

    @Test func sensitiveRegionsAskForApprovalOrDenyOutright() {
        let bank = Region(x: 0, y: 0, width: 100, height: 100)
        let vault = Region(x: 1800, y: 0, width: 100, height: 100)
        let t = Timeline { c in
            c.sensitiveRegions = [bank, vault]
            c.sensitiveSight = [SensitiveSight(name: "vault", region: vault, capture: .deny)]
        }
        let A = t.connect("A"), B = t.connect("B")
        let a = A.acquire(leftHalf).leaseID!
        #expect(t.op(.approve(a)).isDone)
        #expect(t.engine.leases[a]?.state == .active)
        let r = A.request(.capture(CaptureRequest())).1
        #expect(r?.code == .captureNeedsApproval)
        #expect(r?.rejection?.message.contains("muxctl approve \(a) --capture") == true)
        // A rectangle that leaves the sensitive region out needs nothing.
        _ = A.request(.capture(CaptureRequest(rect: Region(x: 200, y: 200, width: 50, height: 50))))
        #expect(t.out.captures.count == 1)
        #expect(t.op(.approveCapture(a)).isDone)
        _ = A.request(.capture(CaptureRequest()))
        #expect(t.out.captures.count == 2)
        let b = B.acquire(rightHalf).leaseID!
        #expect(t.op(.approveCapture(b)).isDone)  // approves the lease and its captures
        #expect(B.request(.capture(CaptureRequest())).1?.code == .captureDenied)
        #expect(t.out.captures.count == 2)
    }

    @Test func anOperatorMayCaptureAnyHeldLeaseAndIsAudited() {
        let t = Timeline()
        let A = t.connect("A")
        let a = A.acquire(leftHalf).leaseID!
        let mark = t.mark
        t.send(.operator(OperatorID(1), RequestID(900), .capture(a, CaptureRequest(cursor: true))))
        #expect(t.out.reply(to: .operator(OperatorID(1)), for: RequestID(900)) == nil)
        let order = try! #require(t.out.captures.last)
        #expect(order.holder == A.id && order.lease == a && order.cursor == nil)
        t.send(.captured(order, .success(Self.facts(order.rect))))
        let audit = try! #require(t.audits(since: mark).last)
        #expect(audit.identity == nil && audit.message.hasPrefix("operator#") && audit.capture != nil)
        guard case .captured? = t.out.reply(to: .operator(OperatorID(1)), for: RequestID(900)) else {
            Issue.record("the operator got no image"); return
        }
        // An orchestrator cannot capture through supervise.
        let O = t.connect("O", .supervise)
        #expect(O.supervise(.capture(a, CaptureRequest())).code == .notAllowed)
    }

    @Test func anImageMadeAfterTheLeaseEndedIsWithheld() {
        let t = Timeline()
        let A = t.connect("A")
        let a = A.acquire(leftHalf).leaseID!
        let (id, _) = A.request(.capture(CaptureRequest()))
        let order = try! #require(t.out.captures.last)
        #expect(A.release(a).isDone)
        t.send(.captured(order, .success(Self.facts(order.rect))))
        #expect(A.reply(id)?.code == .leaseNotActive)
        #expect(t.audits().last?.decision == .rejected)
    }

    @Test func aFailedCaptureIsAnsweredAndAudited() {
        let t = Timeline()
        let A = t.connect("A")
        _ = A.acquire(leftHalf)
        let (id, _) = A.request(.capture(CaptureRequest()))
        let order = try! #require(t.out.captures.last)
        t.send(.captured(order, .failure(Rejection(.captureFailed, "capture failed: the window is gone"))))
        #expect(A.reply(id)?.code == .captureFailed)
        #expect(t.audits().last?.reason == .captureFailed)
    }
}
