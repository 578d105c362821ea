import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// inputmuxd acceptance, leases: parallel agents in disjoint regions, the queue, the
/// operator's view and revoke, sensitive regions.
enum DaemonLeaseTests {
    static let thirds = ["0,0,640x1080", "640,0,640x1080", "1280,0,640x1080"]
    static let targets = [Point(x: 200, y: 300), Point(x: 900, y: 500), Point(x: 1700, y: 800)]

    static func region(_ text: String) -> Region {
        let p = text.split(separator: ",")
        let wh = p[2].split(separator: "x")
        return Region(x: Int32(p[0])!, y: Int32(p[1])!, width: Int32(wh[0])!, height: Int32(wh[1])!)
    }

    /// 1. Three agents lease disjoint thirds at the same time; each one's clicks and keys
    /// read back on its own devices only, at its own coordinates; the human's input passes
    /// through untouched.
    static func threeAgentsInParallel() throws {
        let mouse = try UinputDevice(HumanDevices.mouse("d1"))
        let keyboard = try UinputDevice(HumanDevices.keyboard("d1"))
        let daemon = try DaemonUnderTest()
        let mouseClone = try EvdevReader(try daemon.clone(of: mouse.devnode))
        let keyboardClone = try EvdevReader(try daemon.clone(of: keyboard.devnode))
        let agents = try ["alpha", "beta", "gamma"].map { try AgentSession(daemon, name: $0) }

        // Concurrently: every request is on the wire before any reply is read.
        let ids = zip(agents, thirds).map { a, r in a.client.send(["type": "acquire", "region": .string(r)]) }
        for (a, id) in zip(agents, ids) {
            let r = try a.client.reply(to: id)
            try expect(r["result"]["state"] == "active", "\(a.name): its third should be granted at once: \(r)")
        }
        // Concurrent clicks: the daemon runs each as one transaction on the seat.
        let clicks = zip(agents, targets).map { a, p in
            a.client.send(["type": "gesture", "action": "click", "x": .int(Int64(p.x)), "y": .int(Int64(p.y))])
        }
        for (a, id) in zip(agents, clicks) {
            let r = try a.client.reply(to: id)
            try expect(r["ok"] == true, "\(a.name): click refused: \(r)")
        }
        for (i, a) in agents.enumerated() {
            let trace = PointerTrace(a.pointer.readFrames(count: 3, timeout: .seconds(2)))
            let mine = region(thirds[i])
            try expect(!trace.positions.isEmpty, "\(a.name): no pointer motion read back")
            try expect(trace.positions.allSatisfy(mine.contains), "\(a.name): pointer left its region \(mine): \(trace.positions)")
            try expectEqual(trace.positions.last, targets[i], "\(a.name): final pointer position")
            try expectEqual(trace.buttons.map { "\($0.code)=\($0.value)" }, ["\(BTN_LEFT)=1", "\(BTN_LEFT)=0"], "\(a.name): buttons")
            try expect(trace.buttons.allSatisfy { $0.at == targets[i] }, "\(a.name): button changes away from the target: \(trace.buttons)")
            try expect(!trace.sameFramePressRelease, "\(a.name): press and release in one frame")
        }

        // Keys: one keyboard per seat, so the keyboard lease passes from agent to agent,
        // each bound to the agent's own third (keys need a click there first).
        let letters: [(String, Int32)] = [("a", KEY_A), ("b", KEY_B), ("c", KEY_C)]
        for (i, a) in agents.enumerated() {
            let kb = try a.acquire(thirds[i], keyboard: true)
            try expect(kb["state"] == "active", "\(a.name): keyboard lease not granted: \(kb)")
            let p = targets[i]
            try a.perform(["action": "click", "x": .int(Int64(p.x)), "y": .int(Int64(p.y))])
            try a.perform(["action": "key", "keys": .string(letters[i].0)])
            try a.perform(["action": "type", "text": .string(letters[i].0.uppercased())])
            let r = try a.client.request(["type": "release", "lease": kb["lease"]["id"]])
            try expect(r["ok"] == true, "\(a.name): keyboard release refused: \(r)")
            let keys = keyEvents(a.keyboard.readFrames(count: 6, timeout: .seconds(2)))
            let k = UInt16(letters[i].1), shift = UInt16(KEY_LEFTSHIFT)
            try expect(keys.count == 6 && keys[0] == (k, 1) && keys[1] == (k, 0) && keys[2] == (shift, 1)
                       && keys[3] == (k, 1) && keys[4] == (k, 0) && keys[5] == (shift, 0),
                       "\(a.name): keyboard read back \(keys), expected \(letters[i].0) then shift+\(letters[i].0)")
            let trace = PointerTrace(a.pointer.readFrames(count: 2, timeout: .seconds(2)))
            try expect(trace.positions.allSatisfy(region(thirds[i]).contains), "\(a.name): second click outside its region")
        }

        // Nothing crosses: a click into a neighbour's third is refused and emits nothing.
        _ = try agents[0].refused(["action": "click", "x": 900, "y": 500], "outside_region")
        _ = try agents[2].refused(["action": "drag", "path": [[1700, 800], [1000, 800]]], "outside_region")
        for a in agents {
            let stray = a.pointer.readFrames(count: 1, timeout: .milliseconds(200)) + a.keyboard.readAvailable()
            try expect(stray.isEmpty, "\(a.name): a refused gesture reached a device: \(stray)")
        }

        // The human: physical frames read back unchanged on the clones; no agent sees them.
        _ = mouseClone.readAvailable(); _ = keyboardClone.readAvailable()
        let mouseFrames = [Frame([HumanDevices.rel(REL.x, 7), HumanDevices.rel(REL.y, -3)]),
                           Frame([HumanDevices.scan(0x90001), HumanDevices.key(BTN_LEFT, 1)]),
                           Frame([HumanDevices.scan(0x90001), HumanDevices.key(BTN_LEFT, 0)])]
        let keyFrames = [Frame([HumanDevices.scan(0x70004), HumanDevices.key(KEY_Q, 1)]),
                         Frame([HumanDevices.scan(0x70004), HumanDevices.key(KEY_Q, 0)])]
        for f in mouseFrames { try mouse.write(f) }
        for f in keyFrames { try keyboard.write(f) }
        try expectEqual(mouseClone.readFrames(count: 3, timeout: .seconds(2)), mouseFrames, "human mouse frames on the clone")
        try expectEqual(keyboardClone.readFrames(count: 2, timeout: .seconds(2)), keyFrames, "human keyboard frames on the clone")
        for a in agents {
            let seen = a.pointer.readFrames(count: 1, timeout: .milliseconds(100)) + a.keyboard.readAvailable()
            try expect(seen.isEmpty, "\(a.name) received human input: \(seen)")
        }
        try daemon.stop()
    }

    /// 2. A second agent on the same region is queued with the reason (or denied in try
    /// mode), and granted by an event when the first releases.
    static func queueThenGrant() throws {
        let daemon = try DaemonUnderTest()
        let first = try AgentSession(daemon, name: "first")
        let second = try AgentSession(daemon, name: "second")
        let third = try AgentSession(daemon, name: "third")
        let held = try first.lease("0,0,960x1080")

        let queued = try second.acquire("480,200,800x600")
        try expectEqual(queued["state"], "queued", "second's state")
        try expectEqual(queued["position"].int64, 1, "second's queue position")
        let reason = queued["reason"].string ?? ""
        for part in ["\"first\"#\(first.session)", held, "queue position 1", "overlapping"] {
            try expect(reason.contains(part), "the queue reason should name \(part): \(reason)")
        }
        let waiting = queued["lease"]["id"].string ?? "?"
        _ = try second.refused(["action": "click", "x": 500, "y": 300], "lease_not_active")

        let denied = try third.client.request(["type": "acquire", "region": "100,100,10x10", "mode": "try"])
        try expect(denied["ok"] == false && denied["error"]["code"] == "conflict", "try mode should be denied: \(denied)")
        let message = denied["error"]["message"].string ?? ""
        try expect(message.contains("denied") && message.contains(held) && message.contains("\"first\""),
                   "the denial should name the holder and its lease: \(message)")

        let released = try first.client.request(["type": "release", "lease": .string(held)])
        try expect(released["ok"] == true, "release refused: \(released)")
        guard let granted = second.client.event("granted", timeout: .seconds(2)) else {
            throw TestFailure("second was not told it is granted: \(second.client.received)")
        }
        try expectEqual(granted["lease"]["id"].string, waiting, "granted lease id")
        try expectEqual(granted["lease"]["state"], "active", "granted lease state")
        try second.perform(["action": "click", "x": 500, "y": 300])
        let trace = PointerTrace(second.pointer.readFrames(count: 3, timeout: .seconds(2)))
        try expectEqual(trace.positions.last, Point(x: 500, y: 300), "second's click position after the grant")
        try expect(third.client.events(settle: .milliseconds(50)).allSatisfy { $0["event"] != "granted" },
                   "the try-mode request must not be granted later")
        try daemon.stop()
    }

    /// 3. The operator sees who holds what and revokes: the holder is told why, its held
    /// key and button read back released, and the waiter is granted.
    static func operatorStatusAndRevoke() throws {
        let daemon = try DaemonUnderTest()
        let holder = try AgentSession(daemon, name: "holder")
        let other = try AgentSession(daemon, name: "other")
        let waiter = try AgentSession(daemon, name: "waiter")
        let left = try holder.lease("0,0,960x1080", keyboard: true)
        let right = try other.lease("960,0,960x1080")
        _ = try waiter.acquire("0,0,500x500")

        let status = try daemon.status()
        let held = status["held"].elements
        func holderOf(_ id: String) -> JSON? { held.first { $0["id"].string == id } }
        try expectEqual(holderOf(left)?["holder"]["name"].string, "holder", "status: holder of \(left)")
        try expectEqual(holderOf(left)?["holder"]["session"].int64, holder.session, "status: session of \(left)")
        try expectEqual(holderOf(left)?["region"]["text"].string, "0,0,960x1080", "status: region of \(left)")
        try expectEqual(holderOf(left)?["keyboard"].bool, true, "status: \(left) has the keyboard")
        try expectEqual(holderOf(right)?["holder"]["name"].string, "other", "status: holder of \(right)")
        try expectEqual(holderOf(right)?["region"]["text"].string, "960,0,960x1080", "status: region of \(right)")
        try expect(status["waiting"].elements.contains { $0["holder"]["name"] == "waiter" && $0["state"] == "queued" },
                   "status should list the waiter: \(status["waiting"])")

        try holder.perform(["action": "mouse_down", "x": 300, "y": 300])
        try holder.perform(["action": "key_down", "key": "shift"])
        try expectEqual(try holder.pointer.keysDown(), [UInt16(BTN_LEFT)], "holder's button down before revoke")
        try expectEqual(try holder.keyboard.keysDown(), [UInt16(KEY_LEFTSHIFT)], "holder's shift down before revoke")
        _ = holder.pointer.readAvailable(); _ = holder.keyboard.readAvailable()

        let r = try daemon.control().request(["type": "revoke", "lease": .string(left)])
        try expect(r["ok"] == true, "revoke refused: \(r)")
        guard let revoked = holder.client.event("revoked", timeout: .seconds(2)) else {
            throw TestFailure("the holder was not told: \(holder.client.received)")
        }
        try expectEqual(revoked["lease"].string, left, "revoked lease")
        try expectEqual(revoked["reason"]["code"], "revoked", "revoke reason code")
        try expect((revoked["reason"]["message"].string ?? "").contains("operator"), "the reason should say who: \(revoked)")
        let buttonUp = holder.pointer.readFrames(count: 1, timeout: .seconds(1))
        let shiftUp = holder.keyboard.readFrames(count: 1, timeout: .seconds(1))
        try expect(buttonUp.contains { $0.has(EV.key, BTN_LEFT, 0) }, "button release not read back: \(buttonUp)")
        try expect(shiftUp.contains { $0.has(EV.key, KEY_LEFTSHIFT, 0) }, "shift release not read back: \(shiftUp)")
        try expect(try holder.pointer.keysDown().isEmpty && holder.keyboard.keysDown().isEmpty, "something still held after revoke")

        guard let granted = waiter.client.event("granted", timeout: .seconds(2)) else {
            throw TestFailure("the waiter was not granted after the revoke: \(waiter.client.received)")
        }
        try expectEqual(granted["lease"]["region"]["text"].string, "0,0,500x500", "waiter's granted region")
        _ = try holder.refused(["action": "click", "x": 300, "y": 300], "no_lease")
        let after = try daemon.status()["held"].elements
        try expect(!after.contains { $0["id"].string == left }, "the revoked lease is still listed: \(after)")
        try expect(after.contains { $0["holder"]["name"] == "waiter" }, "status should show the waiter holding: \(after)")
        try daemon.stop()
    }

    /// 5. A lease on a sensitive region waits for the operator's approval.
    static func sensitiveNeedsApproval() throws {
        var o = DaemonUnderTest.Options()
        o.extraTOML = """
            [[sensitive]]
            name = "payments"
            region = "1500,0,420x300"
            """
        let daemon = try DaemonUnderTest(o)
        let agent = try AgentSession(daemon, name: "shopper")
        let other = try AgentSession(daemon, name: "browser")
        let pending = try agent.acquire("1600,100,200x100")
        try expectEqual(pending["state"], "pending_approval", "state of a lease on a sensitive region")
        let id = pending["lease"]["id"].string ?? "?"
        try expect((pending["reason"].string ?? "").contains("approve"), "the reason should say approval is needed: \(pending)")
        _ = try agent.refused(["action": "click", "x": 1650, "y": 150], "lease_not_active")
        try expect(agent.pointer.readFrames(count: 1, timeout: .milliseconds(100)).isEmpty, "a pending lease emitted")
        try expect(agent.client.event("granted", timeout: .milliseconds(300)) == nil, "granted without approval")
        let waiting = try daemon.status()["waiting"].elements
        try expect(waiting.contains { $0["id"].string == id && $0["state"] == "pending_approval" },
                   "the operator should see \(id) pending: \(waiting)")

        let ok = try daemon.control().request(["type": "approve", "lease": .string(id)])
        try expect(ok["ok"] == true, "approve refused: \(ok)")
        guard let granted = agent.client.event("granted", timeout: .seconds(2)) else {
            throw TestFailure("no granted event after approve: \(agent.client.received)")
        }
        try expectEqual(granted["lease"]["id"].string, id, "approved lease")
        try agent.perform(["action": "click", "x": 1650, "y": 150])
        let trace = PointerTrace(agent.pointer.readFrames(count: 3, timeout: .seconds(2)))
        try expectEqual(trace.positions.last, Point(x: 1650, y: 150), "click after approval")

        // And the operator's deny ends the other request with a reason.
        let second = try other.acquire("1500,0,50x50")
        try expectEqual(second["state"], "pending_approval", "state of the second sensitive request")
        let no = try daemon.control().request(["type": "deny", "lease": second["lease"]["id"]])
        try expect(no["ok"] == true, "deny refused: \(no)")
        guard let ended = other.client.event("ended", timeout: .seconds(2)) else {
            throw TestFailure("no ended event after deny: \(other.client.received)")
        }
        try expectEqual(ended["reason"]["code"], "approval_denied", "deny reason code")
        try daemon.stop()
    }
}
