import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// inputmuxd acceptance, the human first: quiet period, panic chord, focus evidence.
enum DaemonHumanTests {
    /// 6. Human input pauses agents for the quiet period (`paused_human`, then `resumed`);
    /// the panic chord freezes them until the operator's `unfreeze`.
    static func humanPausesAndPanicFreezes() throws {
        let mouse = try UinputDevice(HumanDevices.mouse("d6"))
        let keyboard = try UinputDevice(HumanDevices.keyboard("d6"))
        var o = DaemonUnderTest.Options()
        o.quietPeriodMilliseconds = 400
        o.extraTOML = """
            [panic]
            chord = ["KEY_LEFTCTRL", "KEY_F12"]
            """
        let daemon = try DaemonUnderTest(o)
        _ = try daemon.clone(of: mouse.devnode)
        _ = try daemon.clone(of: keyboard.devnode)
        let agent = try AgentSession(daemon, name: "worker")
        _ = try agent.lease("0,0,960x1080", keyboard: true)
        try agent.perform(["action": "click", "x": 100, "y": 100])

        // The human moves the mouse: paused at once, resumed after the quiet period.
        let moved = MonotonicClock.now()
        try mouse.write(Frame([HumanDevices.rel(REL.x, 5)]))
        guard let paused = agent.client.event("paused", timeout: .seconds(2)) else {
            throw TestFailure("no paused event after human input: \(agent.client.received)")
        }
        try expectEqual(paused["reason"]["code"], "paused_human", "pause reason")
        let r = try agent.refused(["action": "click", "x": 120, "y": 120], "paused_human")
        try expect((r["error"]["message"].string ?? "").contains("human"), "the refusal should say why: \(r)")
        guard agent.client.event("resumed", timeout: .seconds(3)) != nil else {
            throw TestFailure("no resumed event after the quiet period: \(agent.client.received)")
        }
        let quiet = MonotonicClock.now() - moved
        try expect(quiet >= .milliseconds(380), "resumed after \(quiet), before the 400 ms quiet period")
        try agent.perform(["action": "click", "x": 120, "y": 120])

        // The chord is physical only: an agent typing it freezes nothing.
        try agent.perform(["action": "key", "keys": "ctrl+F12"])
        try expect(agent.client.event("frozen", timeout: .milliseconds(300)) == nil, "an agent's keys triggered the panic chord")

        // The human presses the chord: leases end, agents are frozen.
        _ = agent.keyboard.readAvailable(); _ = agent.pointer.readAvailable()
        try keyboard.write(Frame([HumanDevices.key(KEY_LEFTCTRL, 1)]))
        try keyboard.write(Frame([HumanDevices.key(KEY_F12, 1)]))
        try keyboard.write(Frame([HumanDevices.key(KEY_F12, 0)]))
        try keyboard.write(Frame([HumanDevices.key(KEY_LEFTCTRL, 0)]))
        guard let frozen = agent.client.event("frozen", timeout: .seconds(2)) else {
            throw TestFailure("no frozen event after the panic chord: \(agent.client.received)")
        }
        try expectEqual(frozen["reason"]["code"], "panic", "frozen reason")
        guard let ended = agent.client.event("ended", timeout: .seconds(1)) else {
            throw TestFailure("the lease did not end on panic: \(agent.client.received)")
        }
        try expectEqual(ended["reason"]["code"], "panic", "lease end reason")
        _ = agent.client.event("resumed", timeout: .seconds(3))   // the human went quiet again
        _ = try agent.refused(["action": "click", "x": 100, "y": 100], "frozen")
        let again = try agent.client.request(["type": "acquire", "region": "0,0,960x1080"])
        try expect(again["ok"] == false && again["error"]["code"] == "frozen", "acquire while frozen: \(again)")
        let status = try daemon.status()
        try expect(!status["frozen_since_ms"].isNull, "status should show the freeze: \(status)")
        try expect(status["held"].elements.isEmpty, "leases survived the panic: \(status["held"])")
        try expect(agent.pointer.readAvailable().isEmpty && agent.keyboard.readAvailable().isEmpty,
                   "a frozen agent's device emitted")

        let unfreeze = try daemon.control().request(["type": "unfreeze"])
        try expect(unfreeze["ok"] == true, "unfreeze refused: \(unfreeze)")
        try expect(agent.client.event("unfrozen", timeout: .seconds(2)) != nil, "no unfrozen event: \(agent.client.received)")
        _ = try agent.lease("0,0,960x1080")
        try agent.perform(["action": "click", "x": 140, "y": 140])
        try expectEqual(PointerTrace(agent.pointer.readFrames(count: 3, timeout: .seconds(2))).positions.last,
                        Point(x: 140, y: 140), "click after unfreeze")
        try daemon.stop()
    }

    /// 7. Focus evidence: after a human click elsewhere the agent's keys are refused
    /// (`focus_unproven`) until it clicks back into its region.
    static func humanClickBlocksKeys() throws {
        let mouse = try UinputDevice(HumanDevices.mouse("d7"))
        var o = DaemonUnderTest.Options()
        o.quietPeriodMilliseconds = 200
        let daemon = try DaemonUnderTest(o)
        _ = try daemon.clone(of: mouse.devnode)
        let typist = try AgentSession(daemon, name: "typist")
        let clicker = try AgentSession(daemon, name: "clicker")
        _ = try typist.lease("0,0,960x1080", keyboard: true)
        _ = try clicker.lease("960,0,960x1080")

        try typist.perform(["action": "click", "x": 400, "y": 400])
        try typist.perform(["action": "key", "keys": "a"])
        try expectEqual(keyEvents(typist.keyboard.readFrames(count: 2, timeout: .seconds(1))).map { $0.0 },
                        [UInt16(KEY_A), UInt16(KEY_A)], "keys after the agent's own click")

        try mouse.write(Frame([HumanDevices.key(BTN_LEFT, 1)]))
        try mouse.write(Frame([HumanDevices.key(BTN_LEFT, 0)]))
        guard typist.client.event("resumed", timeout: .seconds(3)) != nil else {
            throw TestFailure("no resumed event after the human click: \(typist.client.received)")
        }
        let r = try typist.refused(["action": "key", "keys": "b"], "focus_unproven")
        try expect((r["error"]["message"].string ?? "").contains("human"), "the refusal should name the human click: \(r)")
        _ = try typist.refused(["action": "type", "text": "secret"], "focus_unproven")
        try expect(typist.keyboard.readFrames(count: 1, timeout: .milliseconds(150)).isEmpty, "refused keys reached the device")

        try typist.perform(["action": "click", "x": 400, "y": 400])
        try typist.perform(["action": "key", "keys": "b"])
        try expectEqual(keyEvents(typist.keyboard.readFrames(count: 2, timeout: .seconds(1))).map { $0.0 },
                        [UInt16(KEY_B), UInt16(KEY_B)], "keys after clicking back")

        // Another agent's click moves focus away just the same.
        try clicker.perform(["action": "click", "x": 1500, "y": 400])
        _ = try typist.refused(["action": "key", "keys": "c"], "focus_unproven")
        try expect(typist.keyboard.readFrames(count: 1, timeout: .milliseconds(150)).isEmpty, "refused keys reached the device")
        try daemon.stop()
    }
}
