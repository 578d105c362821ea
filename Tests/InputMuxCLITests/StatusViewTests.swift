import InputMuxCLI
import InputMuxClient
import InputMuxCore
import InputMuxDaemon
import InputMuxTestSupport
import InputMuxWire
import Testing

/// The status tables read what the daemon really sends: a live engine's status, encoded
/// by the daemon's own wire encoder.
@Suite struct StatusViewTests {
    struct Capture: EngineOutput {
        var replies: [Reply] = []
        mutating func emit(_ frame: Frame, to device: DeviceRef) {}
        mutating func reply(_ reply: Reply, to requester: Requester, for request: RequestID) { replies.append(reply) }
        mutating func notify(_ event: InputMuxCore.LeaseEvent, to session: SessionID) {}
        mutating func audit(_ event: AuditEvent) {}
        mutating func device(_ action: DeviceAction) {}
        mutating func capture(_ order: CaptureOrder) {}
        mutating func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome { .taken }
    }

    /// Alice, on a seat of her own, holds the left half with the keyboard since t=1 s; Bob
    /// waits for an overlapping region; the status is taken at t=13 s.
    func liveStatus() throws -> [UInt8] {
        var engine = Engine(config: EngineConfig(desktop: InputMuxCore.Region(x: 0, y: 0, width: 1920, height: 1080), keymap: USKeymap()))
        var out = Capture()
        let alice = AgentIdentity(name: "alice", session: SessionID(1), uid: 1000, gid: 1000, pid: 42, exe: "/usr/bin/agent")
        let bob = AgentIdentity(name: "bob", session: SessionID(2), uid: 1001, gid: 1001, pid: 43, exe: "/usr/bin/python3")
        engine.handle(.connect(alice, SessionPolicy()), at: .zero, into: &out)
        engine.handle(.connect(bob, SessionPolicy()), at: .zero, into: &out)
        engine.handle(.seat(SessionID(1), .own(name: "inputmux agent alice#1")), at: .zero, into: &out)
        let left = InputMuxCore.Region(x: 0, y: 0, width: 960, height: 1080)
        engine.handle(.agent(SessionID(1), RequestID(1), .acquire(LeaseRequest(.region(left, keyboard: true), mode: .try, ttl: .seconds(30)))),
                      at: Instant.zero + .seconds(1), into: &out)
        engine.handle(.agent(SessionID(2), RequestID(1), .acquire(LeaseRequest(.region(InputMuxCore.Region(x: 500, y: 0, width: 100, height: 100)), mode: .wait(timeout: nil), ttl: nil))),
                      at: Instant.zero + .seconds(2), into: &out)
        engine.handle(.operator(OperatorID(1), RequestID(9), .status), at: Instant.zero + .seconds(13), into: &out)
        guard case .status(let snapshot)? = out.replies.last else {
            Issue.record("no status reply: \(out.replies)")
            return []
        }
        guard case .object(var result) = WireEncoding.status(snapshot) else { return [] }
        result["devices"] = [["id": 3, "path": "/dev/input/event3", "name": "AT Keyboard", "clone": "/dev/input/event9", "classes": "keyboard"]]
        // What the control socket adds with the X11 adapter: an xdotool click 2 s ago.
        result["foreign_input"] = WireEncoding.foreignInput(
            count: 2, last: (Instant.zero + .seconds(11), "button press of button 1 from Virtual core XTEST pointer",
                             InputMuxCore.Point(x: 450, y: 70)))
        return JSONValue.object(result).serializedBytes
    }

    func decode(_ bytes: [UInt8]) throws -> StatusReport {
        try #require(JSON.parse(bytes)).decode(StatusReport.self)
    }

    @Test func decodesTheDaemonsStatus() throws {
        let r = try decode(try liveStatus())
        #expect(r.sessions.map { "\($0.name)#\($0.session)" } == ["alice#1", "bob#2"])
        #expect(r.held.count == 1)
        #expect(r.held.first?.holder.name == "alice")
        #expect(r.held.first?.keyboard == true)
        #expect(r.held.first?.region.description == "0,0,960x1080")
        #expect(r.waiting.first?.holder.name == "bob")
        #expect(r.waiting.first?.position == 1)
        #expect(r.devices?.first?.clone == "/dev/input/event9")
    }

    @Test func rendersLeasesWithSinceAndTTL() throws {
        let text = StatusView.render(try decode(try liveStatus()))
        let rows = text.split(separator: "\n").map(String.init)
        let lease = try #require(rows.first { $0.contains("alice#1") && $0.contains("active") })
        // Granted at 1 s, status at 13 s: held 12 s; TTL 30 s from the grant leaves 18 s.
        #expect(lease.contains("12s"))
        #expect(lease.hasSuffix("18s"))
        #expect(lease.contains("pointer+keyboard"))
        #expect(rows.contains { $0.contains("bob#2") && $0.contains("queued #1") })
        #expect(rows.contains { $0.contains("AT Keyboard") && $0.contains("/dev/input/event9") })
        #expect(text.hasPrefix("STATE: running"))
    }

    @Test func stateLineShowsFrozenAndHumanPause() throws {
        let json = #"{"time_ms":5000,"held":[],"waiting":[],"sessions":[],"cancel_targets":[],"frozen_since_ms":2000,"human_quiet_ms":5500,"seat_queue":2}"#
        let line = StatusView.stateLine(try decode(Array(json.utf8)))
        #expect(line.contains("FROZEN by the panic chord 3.0s ago"))
        #expect(line.contains("PAUSED: human input, agents resume in 0.5s"))
        #expect(line.contains("2 gestures waiting"))
    }

    @Test func rendersTheDesktopAndWhatOtherXTestClientsInjected() throws {
        let r = try decode(try liveStatus())
        #expect(r.desktop?.description == "0,0,1920x1080")
        #expect(r.foreignInput?.count == 2)
        #expect(r.foreignInput?.last?.x == 450)
        let text = StatusView.render(r)
        #expect(text.contains("DESKTOP: 0,0,1920x1080"))
        let section = try #require(text.components(separatedBy: "\n\n").first { $0.hasPrefix("FOREIGN INPUT") })
        #expect(section.hasSuffix("2 events; latest 2.0s ago: button press of button 1 from Virtual core XTEST pointer at 450,70"))
    }

    @Test func foreignInputAppearsOnlyWithTheX11Adapter() throws {
        let without = #"{"time_ms":5,"held":[],"waiting":[],"sessions":[],"cancel_targets":[],"seat_queue":0}"#
        #expect(!StatusView.render(try decode(Array(without.utf8))).contains("FOREIGN INPUT"))
        let none = #"{"time_ms":5,"held":[],"waiting":[],"sessions":[],"cancel_targets":[],"seat_queue":0,"foreign_input":{"count":0}}"#
        #expect(StatusView.render(try decode(Array(none.utf8))).hasSuffix("FOREIGN INPUT (other XTest clients)\n  (none seen)"))
    }

    @Test func rendersTheSeatsOfTheirOwn() throws {
        let r = try decode(try liveStatus())
        #expect(r.seats.map(\.name) == ["inputmux agent alice#1"])
        #expect(r.seats.first?.session == 1 && r.seats.first?.busy == false && r.seats.first?.queue == 0)
        let section = try #require(StatusView.render(r).components(separatedBy: "\n\n").first { $0.hasPrefix("SEATS") })
        #expect(section.contains("inputmux agent alice#1"))
        #expect(section.contains("idle"))
    }

    @Test func emptyTablesSaySo() throws {
        let text = StatusView.render(try decode(Array(#"{"time_ms":5,"held":[],"waiting":[],"sessions":[],"cancel_targets":[],"seat_queue":0}"#.utf8)))
        #expect(text.contains("(no agent connected)"))
        #expect(text.contains("(no lease held)"))
        #expect(text.contains("(nobody waiting)"))
        #expect(text.contains("(none: every session shares the human's seat)"))
    }

    @Test func durations() {
        #expect(StatusView.duration(0) == "0.0s")
        #expect(StatusView.duration(1500) == "1.5s")
        #expect(StatusView.duration(42_000) == "42s")
        #expect(StatusView.duration(187_000) == "3m07s")
        #expect(StatusView.duration(7_500_000) == "2h05m")
    }

    @Test func tableColumnsAlign() {
        var t = TextTable(["A", "LONGER"])
        t.add(["xxxx", "1"])
        t.add(["y", "22"])
        #expect(t.render(empty: "-") == "A     LONGER\nxxxx  1\ny     22")
        #expect(TextTable(["A"]).render(empty: "none") == "none")
    }
}
