import Testing
@testable import InputMuxCore
import InputMuxTestSupport

/// A reassign gives the target no more than it could acquire itself (issue 15, "reassign
/// skips policy"): the same check as an acquire, on the target's policy.
@Suite struct ReassignPolicyTests {
    /// The case: an orchestrator limited to the left half took B's right-half
    /// lease and clicked at 1500,500.
    @Test func anOrchestratorCannotTakeALeaseOutsideItsOwnRegions() {
        let t = Timeline()
        let O = t.connect("O", SessionPolicy(rights: [.agent, .supervise], allowedRegions: [leftHalf]))
        let B = t.connect("B")
        let b = B.acquire(rightHalf).leaseID!
        let r = O.supervise(.reassign(b, to: O.id))
        #expect(r.code == .notAllowed)
        #expect(r.rejection?.message.contains("policy allows \"O\"#1 only") == true)
        #expect(t.engine.leases[b]?.holder == B.id)
        #expect(t.engine.leases[b]?.state == .active)
        let mark = t.mark
        #expect(O.click(1500, 500).code == .noLease)
        #expect(t.frames(since: mark, on: O.pointer).isEmpty)
        // What it could acquire itself it may still be handed.
        let l = B.acquire(Region(x: 0, y: 0, width: 100, height: 100)).leaseID!
        #expect(O.supervise(.reassign(l, to: O.id)).isDone)
    }

    @Test func anOperatorCannotHandALeaseToASessionWhosePolicyForbidsIt() {
        let t = Timeline()
        let A = t.connect("A", SessionPolicy(rights: .agent, allowedRegions: [leftHalf]))
        let B = t.connect("B")
        let b = B.acquire(rightHalf).leaseID!
        let r = t.op(.reassign(b, to: A.id))
        #expect(r.code == .notAllowed)
        #expect(r.rejection?.message.hasPrefix("reassign refused: policy allows \"A\"#1 only") == true)
        #expect(t.engine.leases[b]?.holder == B.id)
        #expect(A.events.compactMap(\.grantedLease).isEmpty)
    }

    /// A reassign counts toward the target's lease cap as an acquire would.
    @Test func aReassignToASessionAtItsLeaseCapIsRefused() {
        let t = Timeline()
        let A = t.connect("A")
        let B = t.connect("B")
        let cap = t.engine.config.maximumLeasesPerSession
        for i in 0..<cap {
            #expect(A.acquire(Region(x: Int32(i) * 20, y: 0, width: 10, height: 10)).leaseID != nil)
        }
        let b = B.acquire(rightHalf).leaseID!
        let r = t.op(.reassign(b, to: A.id))
        #expect(r.code == .tooManyLeases)
        #expect(r.rejection?.message.contains("max_leases_per_session \(cap)") == true)
        #expect(t.engine.leases[b]?.holder == B.id)
        #expect(t.engine.leases.leases(of: A.id).count == cap)
    }

    @Test func aSessionWithoutTheAgentRightHoldsNoLeaseEitherWay() {
        let t = Timeline()
        let S = t.connect("S", SessionPolicy(rights: .supervise))   // supervise alone
        let B = t.connect("B")
        #expect(S.acquire(leftHalf).code == .notAllowed)
        let b = B.acquire(rightHalf).leaseID!
        let r = t.op(.reassign(b, to: S.id))
        #expect(r.code == .notAllowed)
        #expect(r.rejection?.message.contains("`agent` right") == true)
        #expect(t.engine.leases[b]?.holder == B.id)
    }

    @Test func onlyAnOperatorMayMoveALeaseOverASensitiveRegion() {
        let t = Timeline { $0.sensitiveRegions = [Region(x: 0, y: 0, width: 10, height: 10)] }
        let O = t.connect("O", .supervise), A = t.connect("A"), B = t.connect("B")
        let b = B.acquire(leftHalf).leaseID!
        #expect(t.engine.leases[b]?.state == .pendingApproval)
        #expect(t.op(.approve(b)).isDone)
        #expect(t.engine.leases[b]?.state == .active)
        let r = O.supervise(.reassign(b, to: A.id))
        #expect(r.code == .notAllowed)
        #expect(r.rejection?.message.contains("sensitive region") == true)
        #expect(t.engine.leases[b]?.holder == B.id)
        // The operator is the one who approves: its reassign is the approval.
        #expect(t.op(.reassign(b, to: A.id)).isDone)
        #expect(A.events.compactMap(\.grantedLease).count == 1)
    }
}
