import Foundation
import InputMuxWire
import Synchronization
import Testing

@testable import InputMuxClient
import InputMuxClientTestSupport

@Suite("AgentClient against a fake daemon on a real Unix socket")
struct AgentClientTests {
    @Test("hello tells the session, desktop and devices")
    func hello() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "claude-1")
        defer { agent.close() }
        #expect(agent.session.identity.name == "claude-1")
        #expect(agent.session.identity.session == 1)
        #expect(agent.desktop == Region(x: 0, y: 0, width: 1920, height: 1080))
        #expect(agent.session.pointerDevice == "/dev/input/event7")
        let hello = try #require(daemon.received("hello").first)
        #expect(hello["protocol"] == 1 && hello["name"] == "claude-1")
    }

    @Test("replies are matched to requests by id, whatever order they come in")
    func replyMatching() async throws {
        let held = Mutex<JSON?>(nil)
        let daemon = try FakeDaemon { m, c in
            guard m["type"] == "probe" else { return FakeDaemon.standard(m, c) }
            // Hold the first probe; answer the second, then the first.
            if let first = held.withLock({ h -> JSON? in
                if h == nil { h = m; return nil }
                return h
            }) {
                c.reply(m, ["echo": m["marker"]])
                c.reply(first, ["echo": first["marker"]])
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        async let one = agent.request(["type": "probe", "marker": "one"])
        try await Task.sleep(for: .milliseconds(50))
        async let two = agent.request(["type": "probe", "marker": "two"])
        let (r1, r2) = try await (one, two)
        #expect(r1["echo"] == "one")
        #expect(r2["echo"] == "two")
        let ids = daemon.received("probe").compactMap { $0["id"].int }
        #expect(Set(ids).count == 2)
    }

    @Test("a refusal carries the daemon's code and sentence")
    func errorsMapped() async throws {
        let daemon = try FakeDaemon { m, c in
            if m["type"] == "acquire" {
                c.fail(m, "conflict", "lease denied: agent \"B\"#2 requested region 0,0,960x1080 overlapping \"A\"#1's lease L1; it ends when A releases")
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "B")
        defer { agent.close() }
        let error = await #expect(throws: InputMuxError.self) {
            _ = try await agent.acquire(Region(x: 0, y: 0, width: 960, height: 1080), mode: .try)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("overlapping \"A\"#1's lease L1") == true)
        let sent = try #require(daemon.received("acquire").first)
        #expect(sent["mode"] == "try" && sent["region"] == "0,0,960x1080" && sent["keyboard"] == false)
    }

    @Test("no daemon: the error says to check the service")
    func daemonNotRunning() async throws {
        let error = await #expect(throws: InputMuxError.self) {
            _ = try await AgentClient.connect(socketPath: "/tmp/no-such-inputmux-\(getpid()).sock", name: "a")
        }
        #expect(error?.code == .daemonNotRunning)
        #expect(error?.message.contains("systemctl status inputmuxd") == true)
        #expect(error?.isTransport == true)
    }

    @Test("permission denied names the group to join")
    func permissionDenied() {
        let agent = DaemonSocket.connectError(EACCES, path: "/run/inputmux/agent.sock", role: .agent)
        #expect(agent.code == .permissionDenied)
        #expect(agent.message.contains("`inputmux`"))
        let control = DaemonSocket.connectError(EACCES, path: "/run/inputmux/control.sock", role: .control)
        #expect(control.message.contains("inputmux-admin"))
    }

    @Test("a queued lease reports position and holder, then granted")
    func queuedThenGranted() async throws {
        let daemon = try FakeDaemon { m, c in
            switch m["type"].string {
            case "acquire":
                var l = FakeDaemon.lease("L7", session: c.session, region: "0,0,960x1080", state: "queued")
                l = l.with("position", 1)
                c.reply(m, ["state": "queued", "lease": l, "position": 1,
                            "reason": "lease queued: overlapping \"A\"#9's lease L3 (queue position 1)"])
            case "status":
                c.reply(m, ["time_ms": 5, "held": [FakeDaemon.lease("L3", session: 9, name: "A", region: "0,0,1920x1080")],
                            "waiting": [], "sessions": [], "seat_queue": 0, "cancel_targets": []])
            case "grant-now":
                c.reply(m, [:])
                c.event(["event": "granted", "lease": FakeDaemon.lease("L7", session: c.session, region: "0,0,960x1080")])
            default: FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "B")
        defer { agent.close() }
        let lease = try await agent.acquire(Region(x: 0, y: 0, width: 960, height: 1080), mode: .wait(timeout: .seconds(5)))
        #expect(daemon.received("acquire").first?["timeout_ms"] == 5000)
        guard case .queued(1, let reason) = lease.state else { Issue.record("state \(lease.state)"); return }
        #expect(reason.contains("L3"))
        #expect(lease.holder?.lease == "L3")
        #expect(lease.holder?.holder.name == "A")
        var events = lease.events.makeAsyncIterator()
        let first = await events.next()
        guard case .queued(1, let holder, _) = first else { Issue.record("first event \(String(describing: first))"); return }
        #expect(holder?.holder.session == 9)
        _ = try await agent.request(["type": "grant-now"])
        try await lease.waitUntilActive(timeout: .seconds(5))
        #expect(lease.state == .active)
        guard case .granted(let info) = await events.next() else { Issue.record("no granted event"); return }
        #expect(info.id == "L7")
    }

    @Test("waitUntilActive times out while still queued, and fails with the ending reason")
    func waitOutcomes() async throws {
        let daemon = try FakeDaemon { m, c in
            switch m["type"].string {
            case "acquire":
                c.reply(m, ["state": "queued", "lease": FakeDaemon.lease("L2", session: c.session, state: "queued"), "position": 2, "reason": "queued"])
            case "expire":
                c.reply(m, [:])
                c.event(["event": "ended", "lease": "L2", "reason": ["code": "queue_timeout", "message": "gave up after 5 s in the queue"]])
            default: FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "B")
        defer { agent.close() }
        let lease = try await agent.acquire()
        let timedOut = await #expect(throws: InputMuxError.self) { try await lease.waitUntilActive(timeout: .milliseconds(50)) }
        #expect(timedOut?.code == .timeout)
        _ = try await agent.request(["type": "expire"])
        let ended = await #expect(throws: InputMuxError.self) { try await lease.waitUntilActive(timeout: .seconds(5)) }
        #expect(ended?.code == .queueTimeout)
        #expect(lease.state.isEnded)
    }

    @Test("pause, resume, revoke arrive as lease events; gestures after revoke are refused locally")
    func leaseEvents() async throws {
        let daemon = try FakeDaemon { m, c in
            if m["type"] == "script" {
                c.reply(m, [:])
                c.event(["event": "paused", "reason": ["code": "paused_human", "message": "paused: human input"]])
                c.event(["event": "resumed"])
                c.event(["event": "paused", "lease": "L1", "reason": ["code": "lease_not_active", "message": "an operator paused L1"]])
                c.event(["event": "resumed", "lease": "L1"])
                c.event(["event": "moved", "lease": "L1", "region": ["x": 10, "y": 20, "width": 300, "height": 200]])
                c.event(["event": "revoked", "lease": "L1", "reason": ["code": "revoked", "message": "revoked by the operator"]])
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "A")
        defer { agent.close() }
        let sessionEvents = agent.events
        let lease = try await agent.acquire()
        let stream = lease.events
        _ = try await agent.request(["type": "script"])
        var seen: [LeaseEvent] = []
        for await e in stream { seen.append(e) }
        #expect(seen.count == 7)
        guard seen.count == 7 else { return }
        #expect(seen[0] == .granted(lease.info) || { if case .granted = seen[0] { true } else { false } }())
        #expect(seen[1] == .paused(Reason(code: .pausedHuman, message: "paused: human input")))
        #expect(seen[2] == .resumed)
        #expect(seen[3] == .paused(Reason(code: .leaseNotActive, message: "an operator paused L1")))
        #expect(seen[4] == .resumed)
        #expect(seen[5] == .moved(Region(x: 10, y: 20, width: 300, height: 200)))
        #expect(seen[6] == .revoked(Reason(code: .revoked, message: "revoked by the operator")))
        var s = sessionEvents.makeAsyncIterator()
        #expect(await s.next() == .humanActive(Reason(code: .pausedHuman, message: "paused: human input")))
        #expect(await s.next() == .humanQuiet)
        let before = daemon.received("gesture").count
        let refused = await #expect(throws: InputMuxError.self) { try await lease.click(at: Point(x: 5, y: 5)) }
        #expect(refused?.code == .leaseNotActive)
        #expect(daemon.received("gesture").count == before)
    }

    @Test("a desktop event updates the session's desktop and device nodes")
    func desktopEvent() async throws {
        let daemon = try FakeDaemon { m, c in
            if m["type"] == "script" {
                c.reply(m, [:])
                c.event(["event": "desktop", "desktop": ["x": 0, "y": 0, "width": 2560, "height": 1080, "text": "0,0,2560x1080"],
                         "devices": ["pointer": "/dev/input/event21", "keyboard": "/dev/input/event22"]])
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "A")
        defer { agent.close() }
        let before = agent.session
        let events = agent.events
        _ = try await agent.request(["type": "script"])
        var s = events.makeAsyncIterator()
        guard case .desktopChanged(let info) = await s.next() else { Issue.record("no desktopChanged event"); return }
        #expect(info.desktop == Region(x: 0, y: 0, width: 2560, height: 1080))
        #expect(info.pointerDevice == "/dev/input/event21" && info.keyboardDevice == "/dev/input/event22")
        #expect(agent.desktop == info.desktop)
        #expect(agent.session.identity == before.identity)
        #expect(before.desktop != info.desktop)
    }

    @Test("heartbeats are sent on their own")
    func heartbeat() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a", options: .init(heartbeatInterval: .milliseconds(30)))
        defer { agent.close() }
        #expect(await daemon.eventually { daemon.received("heartbeat").count >= 3 })
    }

    @Test("a daemon restart ends every lease as lost; the next request is a new session")
    func restart() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a", options: .init(heartbeatInterval: .seconds(60)))
        defer { agent.close() }
        let sessionEvents = agent.events
        let lease = try await agent.acquire(Region(x: 0, y: 0, width: 100, height: 100))
        try await lease.click(at: Point(x: 10, y: 10))
        #expect(agent.cursor == Point(x: 10, y: 10))
        let stream = lease.events
        daemon.dropAll()
        var last: LeaseEvent?
        for await e in stream { last = e }
        guard case .ended(let why) = last else { Issue.record("last event \(String(describing: last))"); return }
        #expect(why.code == .leaseLost)
        #expect(why.message.contains("acquire a new lease"))
        let lost = await #expect(throws: InputMuxError.self) { try await lease.type("x") }
        #expect(lost?.code == .leaseLost)
        #expect(agent.leases.isEmpty)
        var s = sessionEvents.makeAsyncIterator()
        guard case .disconnected(let error) = await s.next() else { Issue.record("no disconnected event"); return }
        #expect(error.code == .connectionLost)
        // Reconnect: a new session, and no lease pretends to have survived.
        let fresh = try await agent.acquire(Region(x: 0, y: 0, width: 100, height: 100))
        #expect(agent.session.identity.session == 2)
        #expect(fresh.state == .active)
        #expect(lease.state.isEnded)
        #expect(agent.cursor == nil)
        guard case .reconnected(let info) = await s.next() else { Issue.record("no reconnected event"); return }
        #expect(info.identity.session == 2)
    }

    @Test("closing the client ends its leases as disconnected, not lost, and says bye")
    func closeEndsLeases() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        let lease = try await agent.acquire()
        let stream = lease.events
        agent.close()
        var last: LeaseEvent?
        for await e in stream { last = e }
        guard case .ended(let why) = last else { Issue.record("last event \(String(describing: last))"); return }
        #expect(why.code == .disconnected)
        #expect(await daemon.eventually { !daemon.received("bye").isEmpty })
        let after = await #expect(throws: InputMuxError.self) { _ = try await agent.acquire() }
        #expect(after?.code == .connectionLost)
    }

    @Test("concurrent gestures on one lease go out one at a time, in call order")
    func serialized() async throws {
        let slow = SlowGestures(delay: .milliseconds(15))
        let daemon = try FakeDaemon(handler: slow.handler)
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let lease = try await agent.acquire()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<6 {
                group.addTask { try await lease.click(at: Point(x: 100 + i, y: 100)) }
            }
            try await group.waitForAll()
        }
        #expect(slow.mostInFlight == 1)
        #expect(daemon.received("gesture").count == 6)
    }

    @Test("each lease method sends the protocol's gesture fields")
    func gestureMapping() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let lease = try await agent.acquire(keyboard: true)
        #expect(daemon.received("acquire").first?["region"] == "0,0,1920x1080")
        #expect(daemon.received("acquire").first?["keyboard"] == true)
        try await lease.move(to: Point(x: 1, y: 2))
        try await lease.click(at: Point(x: 3, y: 4), button: .right, count: 2, modifiers: "CTRL+shift")
        try await lease.mouseDown(at: Point(x: 5, y: 6), button: .middle)
        try await lease.mouseUp()
        try await lease.drag(path: [Point(x: 1, y: 1), Point(x: 9, y: 9)])
        try await lease.scroll(at: Point(x: 7, y: 8), dx: -1, dy: 3)
        try await lease.keys("CTRL+ENTER", repeat: 2)
        try await lease.keyDown("shift")
        try await lease.keyUp("SHIFT")
        try await lease.hold("alt", for: .milliseconds(250))
        try await lease.type("héllo")
        try await lease.wait(.milliseconds(40))
        try await lease.release()
        let g = daemon.received("gesture").map { m in m.object!.filter { $0.key != "id" && $0.key != "type" } }
        let expected: [[String: JSON]] = [
            ["action": "move", "x": 1, "y": 2],
            ["action": "click", "x": 3, "y": 4, "button": "right", "count": 2, "modifiers": "ctrl+shift"],
            ["action": "mouse_down", "x": 5, "y": 6, "button": "middle"],
            ["action": "mouse_up", "button": "left"],
            ["action": "drag", "path": [[1, 1], [9, 9]], "button": "left"],
            ["action": "scroll", "x": 7, "y": 8, "dx": -1, "dy": 3, "unit": "notches"],
            ["action": "key", "keys": "ctrl+Return", "repeat": 2],
            ["action": "key_down", "key": "shift"],
            ["action": "key_up", "key": "shift"],
            ["action": "hold", "keys": "alt", "duration_ms": 250],
            ["action": "type", "text": "héllo"],
            ["action": "wait", "duration_ms": 40],
        ]
        #expect(g == expected)
        #expect(daemon.received("release").first?["lease"] == "L1")
        #expect(lease.state.isEnded)
        #expect(agent.leases.isEmpty)
    }

    @Test("bad input is refused before anything is sent")
    func badInput() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let lease = try await agent.acquire()
        await #expect(throws: InputMuxError.self) { try await lease.click(count: 4) }
        await #expect(throws: InputMuxError.self) { try await lease.drag(path: [Point(x: 1, y: 1)]) }
        await #expect(throws: InputMuxError.self) { try await lease.keys("+ +") }
        #expect(daemon.received("gesture").isEmpty)
    }
}
