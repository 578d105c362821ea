import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// A connection's life as its phase says it: what each transition allows, what is held
/// on the way and handed back in order.
@Suite struct ConnectionPhaseTests {
    let alice = AgentIdentity(name: "alice", session: SessionID(7), uid: 1000, gid: 1000, pid: 42, exe: "/usr/bin/agent")
    let hello = RequestID(1)

    func line(_ s: String) -> ArraySlice<UInt8> { Array(s.utf8)[...] }

    @Test func aNewConnectionServesOnlyItsHello() {
        let p = ConnectionPhase.awaitingHello
        #expect(!p.helloDone && p.session == nil && p.operatorID == nil && p.pendingHello == nil && !p.isMonitoring)
        var q = p
        #expect(q.hold(line("{}"), maximum: 4) == .serve)
        #expect(q.hold(event: ["event": "frozen"]) == ["event": "frozen"])
        #expect(q == .awaitingHello)
    }

    @Test func anOperatorIsAdmittedAndThenMonitors() {
        var p = ConnectionPhase.awaitingHello
        p.admitOperator(OperatorID(3))
        #expect(p == .operator(OperatorID(3), monitoring: false))
        #expect(p.helloDone && p.operatorID == OperatorID(3) && p.session == nil && !p.isMonitoring)
        p.startMonitoring()
        #expect(p.isMonitoring && p.operatorID == OperatorID(3))
        // A second admission changes nothing.
        p.admitOperator(OperatorID(4))
        p.admitAgent(alice, hello: hello)
        #expect(p == .operator(OperatorID(3), monitoring: true))
    }

    /// Requests pipelined behind the hello, and events the engine sends meanwhile, wait
    /// for the hello reply and come back in order: events first, then the lines.
    @Test func anAgentsHelloWaitsForItsDevicesAndHoldsWhatComesMeanwhile() {
        var p = ConnectionPhase.awaitingHello
        p.admitAgent(alice, hello: hello)
        #expect(p.session == SessionID(7) && p.identity == alice && p.pendingHello == hello && !p.helloDone)
        #expect(p.hold(event: ["event": "frozen"]) == nil)
        #expect(p.hold(line("a"), maximum: 2) == .held)
        #expect(p.hold(line("b"), maximum: 2) == .held)
        #expect(p.hold(line("c"), maximum: 2) == .full)
        let held = p.helloAnswered()
        #expect(held.events == [["event": "frozen"]])
        #expect(held.lines == [Array("a".utf8), Array("b".utf8)])
        #expect(p == .session(alice) && p.helloDone && p.pendingHello == nil)
        #expect(p.hold(line("d"), maximum: 2) == .serve)
        #expect(p.hold(event: ["event": "granted"]) == ["event": "granted"])
        // Answered once: a second answer hands back nothing.
        let none = p.helloAnswered()
        #expect(none.events.isEmpty && none.lines.isEmpty)
    }

    @Test func aFailedHelloDropsWhatWasHeld() {
        var p = ConnectionPhase.awaitingHello
        p.admitAgent(alice, hello: hello)
        _ = p.hold(line("a"), maximum: 4)
        p.helloFailed()
        #expect(p == .awaitingHello && p.session == nil && !p.helloDone)
        let none = p.helloAnswered()
        #expect(none.events.isEmpty && none.lines.isEmpty)
    }

    /// After a desktop change the session's requests wait for its new devices, events do not.
    @Test func aReplacementHoldsRequestsUntilTheNewDevicesAreAnnounced() {
        var p = ConnectionPhase.session(alice)
        p.replacingDevices()
        #expect(p == .replacingDevices(alice, heldLines: []) && p.helloDone && p.session == SessionID(7))
        #expect(p.hold(line("a"), maximum: 1) == .held)
        #expect(p.hold(line("b"), maximum: 1) == .full)
        #expect(p.hold(event: ["event": "granted"]) == ["event": "granted"])
        p.replacingDevices()   // a second change meanwhile keeps what is held
        #expect(p.devicesReplaced() == [Array("a".utf8)])
        #expect(p == .session(alice))
        #expect(p.devicesReplaced() == [])
    }

    /// A session still waiting for its first devices gets the new desktop in its hello
    /// reply: a replacement then changes nothing, and its held requests stay.
    @Test func aReplacementBeforeTheHelloReplyChangesNothing() {
        var p = ConnectionPhase.awaitingHello
        p.admitAgent(alice, hello: hello)
        _ = p.hold(line("a"), maximum: 4)
        p.replacingDevices()
        #expect(p == .awaitingDevices(alice, hello: hello, heldLines: [Array("a".utf8)], heldEvents: []))
        #expect(p.devicesReplaced() == [])
        #expect(p.pendingHello == hello)
    }

    @Test func transitionsOutOfOrderLeaveThePhaseAsItIs() {
        var p = ConnectionPhase.awaitingHello
        p.replacingDevices()
        p.startMonitoring()
        p.helloFailed()
        #expect(p.devicesReplaced() == [])
        #expect(p == .awaitingHello)
        var s = ConnectionPhase.session(alice)
        s.admitAgent(alice, hello: RequestID(9))
        s.admitOperator(OperatorID(1))
        s.helloFailed()
        s.startMonitoring()
        #expect(s == .session(alice))
    }
}
