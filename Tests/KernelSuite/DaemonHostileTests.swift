import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// inputmuxd acceptance, hostile clients: uids policy refuses, identity claims,
/// gestures outside leases, and a flood of malformed messages.
enum DaemonHostileTests {
    /// 9. Hostile clients get nowhere, and the daemon stays healthy for everyone else.
    static func hostileClients() throws {
        let mouse = try UinputDevice(HumanDevices.mouse("d9"))
        var o = DaemonUnderTest.Options()
        // Group-accessible agent socket, so other uids reach the daemon and policy decides.
        o.agentGroup = "nogroup"
        o.extraTOML = """
            [leases]
            default_ttl_s = 600
            maximum_ttl_s = 600

            [[policy]]
            uid = 65534
            names = ["robot-*"]
            """
        let daemon = try DaemonUnderTest(o)
        let clone = try EvdevReader(try daemon.clone(of: mouse.devnode))
        let monitor = try daemon.monitor()

        // A uid that no policy allows is refused; a permitted uid only under its names.
        func connectAs(_ uid: UInt32, _ name: String) throws -> (hello: JSON, acquire: JSON?, pid: Int64?) {
            let p = try ChildProcess("/proc/self/exe", ["--helper-connect-as", "\(uid)", "65534", daemon.agentSocket, name], error: .standardOutput)
            let pid = Int64(p.pid)
            _ = p.waitForLine(timeout: .seconds(10)) { $0.hasPrefix("ERROR") || $0.hasPrefix("ACQUIRE") || ($0.hasPrefix("HELLO") && $0.contains("\"ok\":false")) }
            p.kill()
            guard let h = p.lines.first(where: { $0.hasPrefix("HELLO ") }), let hello = JSON.parse(Array(h.dropFirst(6).utf8)) else {
                throw TestFailure("helper as uid \(uid) said: \(p.lines)")
            }
            let a = p.lines.first { $0.hasPrefix("ACQUIRE ") }.flatMap { JSON.parse(Array($0.dropFirst(8).utf8)) }
            return (hello, a, pid)
        }
        let stranger = try connectAs(65533, "robot-1")
        try expect(stranger.hello["ok"] == false && stranger.hello["error"]["code"] == "not_allowed",
                   "uid 65533 (no policy) should be refused: \(stranger.hello)")
        try expect((stranger.hello["error"]["message"].string ?? "").contains("65533"), "the refusal should name the uid: \(stranger.hello)")
        let wrongName = try connectAs(65534, "intruder")
        try expect(wrongName.hello["ok"] == false && wrongName.hello["error"]["code"] == "not_allowed",
                   "uid 65534 may only be robot-*: \(wrongName.hello)")

        // Admitted, it claims root's identity in its messages: the daemon uses the kernel's.
        let robot = try connectAs(65534, "robot-1")
        try expect(robot.hello["ok"] == true, "uid 65534 as robot-1 should be admitted: \(robot.hello)")
        let identity = robot.hello["result"]["identity"]
        try expectEqual(identity["uid"].int64, 65534, "uid the daemon assigned despite the claim")
        try expectEqual(identity["pid"].int64, robot.pid, "pid the daemon assigned despite the claim")
        try expectEqual(identity["name"].string, "robot-1", "name")
        try expect(robot.acquire?["ok"] == true, "robot's lease: \(String(describing: robot.acquire))")
        let robotAudit = monitor.event("audit", timeout: .seconds(2)) { $0["action"] == "acquire" && $0["agent"]["name"] == "robot-1" }
        try expectEqual(robotAudit?["agent"]["uid"].int64, 65534, "audited uid of robot's acquire")
        try expectEqual(robotAudit?["agent"]["pid"].int64, robot.pid, "audited pid of robot's acquire")
        try expect(robotAudit?["agent"]["exe"].string == DaemonAuditTests.ownExecutable, "audited exe: \(String(describing: robotAudit))")

        // Another session cannot act as the holder by naming it.
        let alice = try AgentSession(daemon, name: "alice")
        let mallory = try AgentSession(daemon, name: "mallory")
        let lease = try alice.lease("200,0,760x1080", keyboard: true)
        let steal = try mallory.client.request(["type": "release", "lease": .string(lease), "session": .int(alice.session), "name": "alice"])
        try expect(steal["ok"] == false && steal["error"]["code"] == "unknown_lease", "mallory released alice's lease: \(steal)")
        let sup = try mallory.client.request(["type": "supervise", "command": "revoke", "lease": .string(lease)])
        try expect(sup["ok"] == false && sup["error"]["code"] == "not_supervisor", "mallory revoked without the right: \(sup)")
        _ = try mallory.refused(["action": "click", "x": 300, "y": 300, "session": .int(alice.session), "name": "alice"], "no_lease")
        let held = try daemon.status()["held"].elements
        try expect(held.contains { $0["id"].string == lease && $0["holder"]["name"] == "alice" }, "alice lost her lease: \(held)")

        // Outside the region, or without a lease: nothing reaches any device.
        try alice.perform(["action": "click", "x": 300, "y": 300])
        _ = alice.pointer.readAvailable(); _ = clone.readAvailable()
        _ = try alice.refused(["action": "click", "x": 100, "y": 300], "outside_region")
        _ = try alice.refused(["action": "drag", "path": [[300, 300], [600, 300], [1200, 300]]], "outside_region")
        _ = try alice.refused(["action": "scroll", "x": 1900, "y": 10, "dy": 3], "outside_region")
        _ = try alice.refused(["action": "move", "x": -5, "y": 10], "outside_region")
        _ = try alice.refused(["action": "raw", "device": "pointer",
                               "frames": [[[3, 0, 1500], [3, 1, 10]], [[1, 272, 1]], [[1, 272, 0]]]], "outside_region")
        _ = try alice.refused(["action": "raw", "device": "pointer", "frames": [[[2, 0, 50]]]], "bad_gesture")
        _ = try mallory.refused(["action": "click", "x": 300, "y": 300], "no_lease")
        _ = try mallory.refused(["action": "key", "keys": "ctrl+alt+Delete"], "no_lease")
        _ = try mallory.refused(["action": "type", "text": "rm -rf /"], "no_lease")
        _ = try mallory.refused(["action": "raw", "device": "keyboard", "frames": [[[1, 30, 1]], [[1, 30, 0]]]], "no_lease")
        for (what, reader) in [("alice's pointer", alice.pointer), ("alice's keyboard", alice.keyboard),
                               ("mallory's pointer", mallory.pointer), ("mallory's keyboard", mallory.keyboard), ("the clone", clone)] {
            let frames = reader.readFrames(count: 1, timeout: .milliseconds(100))
            try expect(frames.isEmpty, "a refused gesture reached \(what): \(frames)")
        }

        // Thousands of malformed messages on both sockets.
        let deep = String(repeating: "[", count: 30000) + String(repeating: "]", count: 30000)
        let garbage: [[UInt8]] = [
            Array("not json".utf8), Array("{".utf8), Array("[1,2,3]".utf8), Array("{}".utf8), Array(#"{"type":42}"#.utf8),
            Array(#"{"type":"acquire","id":1,"region":"0,0,10x10"}"#.utf8), Array(#"{"type":"gesture","id":-5}"#.utf8),
            Array(#"{"type":"hello","id":1,"protocol":"one","name":"x"}"#.utf8), [0xff, 0xfe, 0x80, 0x7b],
            Array(#"{"type":"status","id":1e400}"#.utf8), Array("{\"type\":\"st\u{0}atus\",\"id\":3}".utf8), Array(deep.utf8),
            Array(#"{"type":"gesture","id":2,"action":"drag","path":[[1,2],["x",3]]}"#.utf8),
            Array(#"{"type":"gesture","id":2,"action":"click","x":99999999999,"y":1}"#.utf8),
            Array(#"{"type":"acquire","id":4,"region":[0,0,-1,-1]}"#.utf8),
            Array(#"{"type":"hello","id":1,"protocol":1,"name":"\#(String(repeating: "n", count: 500))"}"#.utf8),
        ]
        var sent = 0, errorReplies = 0
        let began = MonotonicClock.now()
        let connections = 30
        var flood: [DaemonClient] = []
        for round in 0..<connections {
            let c = try DaemonClient(round % 3 == 2 ? daemon.controlSocket : daemon.agentSocket)
            var batch: [UInt8] = []
            for i in 0..<100 {
                batch += garbage[(i + round) % garbage.count] + [10]
            }
            if round % 8 == 0 { batch += [UInt8](repeating: UInt8(ascii: "x"), count: 100_000) + [10] }
            c.sendBytes(batch)
            sent += 100
            flood.append(c)
        }
        for c in flood {
            try expect(c.waitClosed(timeout: .seconds(20)), "the daemon kept an abusive connection open")
            errorReplies += c.received.filter { $0["type"] == "reply" && $0["ok"] == false }.count
        }
        note("\(sent) malformed messages on \(connections) connections in \(MonotonicClock.now() - began); \(errorReplies) error replies before the daemon hung up")
        try expect(errorReplies >= connections * 60, "too few structured errors came back: \(errorReplies)")
        try expect(daemon.isRunning, "the daemon died under malformed input: \(daemon.log().suffix(1500))")

        // A well-behaved connection within the error budget gets a reply per message and
        // keeps working.
        let patient = try DaemonClient(daemon.agentSocket)
        patient.nextID = 1000  // the bad lines carry ids of their own
        for g in garbage.prefix(10) { patient.sendBytes(g + [10]) }
        let hello = try patient.request(["type": "hello", "protocol": 1, "name": "patient"])
        try expect(hello["ok"] == true, "hello after a few bad lines: \(hello)")
        let codes = patient.received.filter { $0["ok"] == false }.compactMap { $0["error"]["code"].string }
        try expectEqual(codes.count, 10, "error replies to 10 bad lines (\(codes))")
        try expect(Set(codes).isSubset(of: ["malformed", "out_of_order", "unknown_type", "too_large"]), "error codes \(codes)")

        // Healthy: the human's passthrough, the operator, and agents still work.
        _ = clone.readAvailable()
        let f = Frame([HumanDevices.rel(REL.x, 4)])
        try mouse.write(f)
        try expectEqual(clone.readFrames(count: 1, timeout: .seconds(1)), [f], "human passthrough after the flood")
        try expect(alice.client.event("resumed", timeout: .seconds(3)) != nil, "agents did not resume after the human's input")
        try alice.perform(["action": "click", "x": 400, "y": 400])
        try expectEqual(PointerTrace(alice.pointer.readFrames(count: 3, timeout: .seconds(2))).positions.last,
                        Point(x: 400, y: 400), "alice's click after the flood")
        try daemon.stop()
    }
}
