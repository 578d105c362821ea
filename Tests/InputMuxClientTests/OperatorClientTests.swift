import InputMuxWire
import Testing

@testable import InputMuxClient
import InputMuxClientTestSupport

@Suite("OperatorClient against a fake daemon")
struct OperatorClientTests {
    static let control: @Sendable (JSON, FakeConnection) -> Void = { m, c in
        switch m["type"].string {
        case "hello":
            c.reply(m, ["protocol": 1, "operator": 3, "desktop": ["x": 0, "y": 0, "width": 1920, "height": 1080],
                        "devices": [["id": 1, "path": "/dev/input/event2", "name": "kbd", "clone": "/dev/input/event9", "classes": "keyboard"]]])
        case "status":
            c.reply(m, ["time_ms": 2000, "held": [FakeDaemon.lease("L4", session: 2, name: "A")], "waiting": [],
                        "sessions": [FakeDaemon.identity("A", 2)], "seat_queue": 1, "cancel_targets": [],
                        "human_quiet_ms": 2500, "seat_busy_with": 2,
                        "devices": [["id": 1, "path": "/dev/input/event2", "name": "kbd", "clone": "/dev/input/event9", "classes": "keyboard"]]])
        case "monitor":
            c.reply(m, ["monitoring": true])
            c.event(["event": "audit", "time_ms": 7, "action": "click", "decision": "rejected", "reason": "outside_region",
                     "message": "outside", "points": [[5000, 5]], "agent": FakeDaemon.identity("B", 7), "lease": "L13"])
        case "revoke" where m["lease"] == "L99":
            c.fail(m, "unknown_lease", "no lease L99; `muxctl status` lists the leases")
        default:
            c.reply(m, ["done": true])
        }
    }

    @Test("status decodes into typed fields")
    func status() async throws {
        let daemon = try FakeDaemon(handler: Self.control)
        defer { daemon.stop() }
        let op = try await OperatorClient.connect(socketPath: daemon.path)
        defer { op.close() }
        #expect(op.info.operatorID == 3)
        #expect(op.info.devices.first?.clone == "/dev/input/event9")
        let s = try await op.status()
        #expect(s.held.map(\.id) == ["L4"])
        #expect(s.held.first?.holder.name == "A")
        #expect(s.held.first?.ttlMs == 30000)
        #expect(s.seatQueue == 1 && s.seatBusyWith == 2)
        #expect(s.humanActive)
        #expect(!s.frozen)
        #expect(s.devices?.count == 1)
        let raw = try await op.statusJSON()
        #expect(raw["seat_queue"] == 1)
    }

    @Test("lease verbs send the lease; refusals keep their code")
    func verbs() async throws {
        let daemon = try FakeDaemon(handler: Self.control)
        defer { daemon.stop() }
        let op = try await OperatorClient.connect(socketPath: daemon.path)
        defer { op.close() }
        try await op.revoke("L4")
        try await op.pause("L4")
        try await op.resume("L4")
        try await op.approve("L5")
        try await op.deny("L6")
        try await op.reassign("L4", to: 9)
        try await op.unfreeze()
        let sent = daemon.received.filter { $0["type"] != "hello" }.map { [$0["type"], $0["lease"], $0["to"]] }
        #expect(sent == [["revoke", "L4", .null], ["pause", "L4", .null], ["resume", "L4", .null], ["approve", "L5", .null],
                         ["deny", "L6", .null], ["reassign", "L4", 9], ["unfreeze", .null, .null]])
        let e = await #expect(throws: InputMuxError.self) { try await op.revoke("L99") }
        #expect(e?.code == .unknownLease)
        #expect(e?.message.contains("muxctl status") == true)
    }

    @Test("monitor streams audit records")
    func monitor() async throws {
        let daemon = try FakeDaemon(handler: Self.control)
        defer { daemon.stop() }
        let op = try await OperatorClient.connect(socketPath: daemon.path)
        let records = try await op.monitor()
        var it = records.makeAsyncIterator()
        let r = try #require(await it.next())
        #expect(r.decision == "rejected" && r.reason == "outside_region")
        #expect(r.points == [[5000, 5]])
        #expect(r.agent?.name == "B" && r.lease == "L13")
        op.close()
        daemon.dropAll()
        #expect(await it.next() == nil)
    }
}
