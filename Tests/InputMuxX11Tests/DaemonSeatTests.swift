import Foundation
import InputMuxHarness
import InputMuxX11
import Testing
import struct InputMuxCore.Point

/// inputmuxd with a seat of its own per agent session (`[x11] seats`, XTest output on
/// Xvfb), read back through a real X client's key and button events: agents type at the
/// same time into their own windows while the core seat (the human's, driven by xdotool)
/// types into another, and nobody's keys land anywhere else.
@Suite(.serialized) struct DaemonSeatTests {
    /// Three different 200-character texts, upper and lower case (each seat's Shift is its
    /// own), and the human's.
    static let texts: [String] = (0..<3).map { i in
        let words = ["alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot", "golf", "Hotel", "india", "Juliet", "kilo", "Lima"]
        var s = ""
        var k = i * 5
        while s.count < 200 {
            s += words[k % words.count] + "\(k % 10) "
            k += 7 + i
        }
        return String(s.prefix(200))
    }
    static let human = "The Human types here 0123456789 meanwhile"

    static func typed(_ client: RecordingClient, _ window: String) -> String {
        client.received("key", in: window).map { $0["char"] as? String ?? "" }.joined()
    }

    /// Types `text` from agent `name` into window `win` (a window lease with the keyboard);
    /// returns the replies' error codes (empty when all went through) and how long it took.
    static func typist(_ socket: String, _ name: String, _ win: String, _ text: String) -> (errors: [String], seconds: Double, seat: String?) {
        do {
            let agent = try WireClient(socket: socket, name: name)
            let seat = (agent.hello["seat"] as? [String: Any])?["mode"] as? String
            let lease = try agent.request(["type": "acquire", "window_class": win, "keyboard": true])
            guard lease.ok else { return (["acquire: \(lease)"], 0, seat) }
            let start = Date()
            let r = try agent.reply(to: agent.send(["type": "gesture", "action": "type", "text": text]), timeout: 60)
            return (r.ok ? [] : [r.errorCode ?? "\(r)"], Date().timeIntervalSince(start), seat)
        } catch {
            return (["\(error)"], 0, nil)
        }
    }

    @Test func threeSeatsTypeAtOnceBesideTheHumanAndEachWindowGetsExactlyItsText() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300", "b:320,10,300x300", "c:630,10,300x300", "d:940,10,300x300"])
        try client.command("focus d")
        let mux = try MuxDaemon(display: x.display)
        let socket = mux.agentSocket
        let results = UncheckedResults<(errors: [String], seconds: Double, seat: String?)>(count: 3)
        let humanDone = UncheckedResults<Int32>(count: 1)
        let samples = UncheckedResults<[String]>(count: 1)
        let stop = StopSignal()
        let group = DispatchGroup()
        for (i, win) in ["a", "b", "c"].enumerated() {
            group.enter()
            Thread { results.set(i, Self.typist(socket, "typist-\(win)", win, Self.texts[i])); group.leave() }.start()
        }
        // The human, through the core seat's XTEST keyboard, into the window with the core focus.
        group.enter()
        let display = x.display
        Thread {
            let r = try? ChildProcess.run("/usr/bin/xdotool", ["type", "--delay", "15", Self.human], environment: ["DISPLAY": display],
                                          timeout: .seconds(60))
            humanDone.set(0, r?.termination.code ?? -2)
            group.leave()
        }.start()
        // The core seat's focus, sampled throughout from a connection of the test's own.
        let sampled = DispatchSemaphore(value: 0)
        let sampler = Thread {
            defer { sampled.signal() }
            var seen: [String] = []
            if let d = try? X11Display(display: display, xauthority: nil), let core = d.coreSeat() {
                while !stop.isRaised {
                    seen.append((try? d.focus(of: core))?.description ?? "error")
                    usleep(20_000)
                }
            }
            samples.set(0, seen)
        }
        sampler.start()
        group.wait()
        stop.raise()
        sampled.wait()
        client.pump(timeout: 1)

        for i in 0..<3 {
            let r = results.get(i)
            #expect(r.seat == "own", "typist \(i) got seat \(r.seat ?? "?")")
            #expect(r.errors.isEmpty, "typist \(i): \(r.errors)")
        }
        #expect(Self.typed(client, "a") == Self.texts[0])
        #expect(Self.typed(client, "b") == Self.texts[1])
        #expect(Self.typed(client, "c") == Self.texts[2])
        
        #expect(humanDone.get(0) == 0)
        #expect(Self.typed(client, "d") == Self.human)
        let d = "\(X11SeatFocus.window(.init(client.windows["d"]!.id)))"
        let focus = samples.get(0)
        #expect(focus.count > 10)
        #expect(focus.allSatisfy { $0 == d }, "the core seat's focus left window d: \(Set(focus))")
        // Nobody was refused for focus, and the audit says each got a seat.
        let audit = mux.audit(until: { $0.filter { $0["action"] as? String == "seat" }.count >= 3 })
        #expect(audit.filter { $0["action"] as? String == "seat" && ($0["message"] as? String)?.contains("has a seat of its own") == true }.count == 3)
        #expect(!audit.contains { ["focus_elsewhere", "focus_unproven"].contains($0["reason"] as? String ?? "") })
    }

    @Test func threeTextsTakeAboutAsLongAsOne() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300", "b:320,10,300x300", "c:630,10,300x300"])
        let mux = try MuxDaemon(display: x.display)
        let alone = Self.typist(mux.agentSocket, "alone", "a", Self.texts[0])
        #expect(alone.errors.isEmpty)
        let results = UncheckedResults<(errors: [String], seconds: Double, seat: String?)>(count: 3)
        let group = DispatchGroup()
        let start = Date()
        for (i, win) in ["a", "b", "c"].enumerated() {
            group.enter()
            let socket = mux.agentSocket
            Thread { results.set(i, Self.typist(socket, "together-\(win)", win, Self.texts[i])); group.leave() }.start()
        }
        group.wait()
        let together = Date().timeIntervalSince(start)
        for i in 0..<3 { #expect(results.get(i).errors.isEmpty) }
        let slowest = (0..<3).map { results.get($0).seconds }.max()!
        // One seat types 200 characters in about 2.5 s at the standard pacing; three
        // seats side by side, not three times as long (the shared seat's turns).
        #expect(slowest < alone.seconds * 1.6, "alone \(alone.seconds) s, three together: slowest \(slowest) s (wall \(together) s)")
        client.pump(timeout: 1)
        #expect(Self.typed(client, "a") == Self.texts[0] + Self.texts[0])
        #expect(Self.typed(client, "b") == Self.texts[1])
    }

    @Test func anotherSeatsClicksNeverTakeTheFocusFromTheTypist() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300", "b:320,10,300x300"])
        let mux = try MuxDaemon(display: x.display)
        let socket = mux.agentSocket
        let clicker = UncheckedResults<[String]>(count: 1)
        let w = client.windows["a"]!
        let group = DispatchGroup()
        group.enter()
        Thread {
            var errors: [String] = []
            do {
                let a = try WireClient(socket: socket, name: "clicker")
                guard try a.request(["type": "acquire", "window_class": "a", "keyboard": false]).ok else { throw X11TestFailure("acquire") }
                for i in 0..<50 {
                    let r = try a.request(["type": "gesture", "action": "click", "x": w.x + 20 + (i % 10) * 25, "y": w.y + 20 + (i / 10) * 50])
                    if !r.ok { errors.append(r.errorCode ?? "\(r)") }
                }
            } catch { errors.append("\(error)") }
            clicker.set(0, errors)
            group.leave()
        }.start()
        let typist = Self.typist(socket, "typist", "b", Self.texts[1])
        group.wait()
        client.pump(timeout: 1)
        #expect(clicker.get(0).isEmpty, "clicks: \(clicker.get(0))")
        #expect(typist.errors.isEmpty, "the typist was refused: \(typist.errors)")
        #expect(Self.typed(client, "b") == Self.texts[1])
        #expect(client.received("press", in: "a").count == 50)
        #expect(client.received("key", in: "a").isEmpty)
    }

    @Test func keysStopWhenAnApplicationMovesTheSeatsFocusMidText() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300", "b:320,10,300x300"])
        let mux = try MuxDaemon(display: x.display)
        let probe = try X11Display(display: x.display, xauthority: nil)
        let agent = try WireClient(socket: mux.agentSocket, name: "typist")
        let seat = try #require(probe.seat(named: (agent.hello["seat"] as? [String: Any])?["name"] as? String ?? ""))
        #expect(try agent.request(["type": "acquire", "window_class": "a", "keyboard": true]).ok)
        let id = agent.send(["type": "gesture", "action": "type", "text": Self.texts[0]])
        // Some way into the text, another client moves the seat's focus to window b, as an
        // application raising a dialog of its own would.
        _ = client.waitFor(timeout: 10) { $0["ev"] as? String == "key" && $0["win"] as? String == "a" }
        usleep(300_000)
        try probe.setFocus(of: seat, to: .window(.init(client.windows["b"]!.id)))
        let r = try agent.reply(to: id, timeout: 30)
        #expect(r.errorCode == "focus_elsewhere", "\(r)")
        #expect(r.errorMessage?.contains("moved your seat's focus away") == true)
        client.pump(timeout: 0.5)
        let got = Self.typed(client, "a")
        #expect(!got.isEmpty && got.count < Self.texts[0].count / 2, "\(got.count) characters arrived in a")
        #expect(Self.texts[0].hasPrefix(got))
        // At most the key under way when the focus moved reaches b (10 ms between checks).
        #expect(client.received("key", in: "b").count <= 2, "keys went on into b: \(Self.typed(client, "b"))")
    }

    @Test func anEndedSessionsSeatGoesAndLeavesNothingPressed() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300"])
        let mux = try MuxDaemon(display: x.display)
        let probe = try X11Display(display: x.display, xauthority: nil)
        var agent: WireClient? = try WireClient(socket: mux.agentSocket, name: "dragger")
        let seatName = try #require((agent!.hello["seat"] as? [String: Any])?["name"] as? String)
        #expect(probe.seat(named: seatName) != nil)
        #expect(try agent!.request(["type": "acquire", "window_class": "a", "keyboard": true]).ok)
        let w = client.windows["a"]!
        // Mid-drag: the button is down, Shift is down.
        #expect(try agent!.request(["type": "gesture", "action": "mouse_down", "x": w.x + 50, "y": w.y + 50]).ok)
        #expect(try agent!.request(["type": "gesture", "action": "key_down", "key": "shift"]).ok)
        _ = try agent!.request(["type": "gesture", "action": "move", "x": w.x + 120, "y": w.y + 90])
        #expect(try probe.pointer(of: probe.seat(named: seatName)!).buttons.contains(1))
        agent = nil       // the connection closes
        let deadline = Date().addingTimeInterval(10)
        while probe.seat(named: seatName) != nil && Date() < deadline { usleep(20_000) }
        #expect(probe.seat(named: seatName) == nil, "the ended session's seat is still there")
        client.pump(timeout: 0.5)
        #expect(client.received("release", in: "a").count == 1, "the held button was not released")
        // Nothing of it is left on the human's seat either.
        #expect(try probe.pointer(of: probe.coreSeat()!).buttons.isEmpty)
        _ = mux
    }

    @Test func aStartingDaemonRemovesTheSeatsADeadOneLeftBehind() throws {
        let x = try XvfbServer()
        // Held to the end: while the daemon is killed and started again, a client must stay
        // connected, or the server resets and refuses the new daemon.
        let keeper = try RecordingClient(display: x.display, ["a:10,10,300x300"])
        defer { withExtendedLifetime(keeper) {} }
        let probe = try X11Display(display: x.display, xauthority: nil)
        var first: MuxDaemon? = try MuxDaemon(display: x.display)
        let agents = try (0..<2).map { try WireClient(socket: first!.agentSocket, name: "left-\($0)") }
        #expect(probe.seats(withPrefix: X11Seat.agentPrefix).count == 2)
        _ = first!.child.kill()          // SIGKILL: no cleanup
        #expect(probe.seats(withPrefix: X11Seat.agentPrefix).count == 2, "the seats should outlive a killed daemon")
        first = nil
        _ = agents
        let second = try MuxDaemon(display: x.display)
        #expect(probe.seats(withPrefix: X11Seat.agentPrefix).isEmpty, "the stale seats were not removed at start")
        let fresh = try WireClient(socket: second.agentSocket, name: "fresh")
        #expect((fresh.hello["seat"] as? [String: Any])?["mode"] as? String == "own")
        #expect(probe.seats(withPrefix: X11Seat.agentPrefix).count == 1)
    }

    @Test func theHelloSaysWhichSeatTheSessionGot() throws {
        let x = try XvfbServer()
        let keeper = try RecordingClient(display: x.display, ["a:10,10,300x300"])   // held: the server must not reset
        defer { withExtendedLifetime(keeper) {} }
        let own = try MuxDaemon(display: x.display)
        let a = try WireClient(socket: own.agentSocket, name: "seated")
        let seat = try #require(a.hello["seat"] as? [String: Any])
        #expect(seat["mode"] as? String == "own")
        #expect(seat["name"] as? String == "inputmux agent seated#\(a.hello["session"] as! Int)")
        // Its cursor is its own, labelled: wider than an arrow by the label "seated#N".
        let probe = try X11Display(display: x.display, xauthority: nil)
        let pair = try #require(probe.seat(named: seat["name"] as! String))
        try probe.warp(pair, to: Point(x: 1000, y: 600))
        let cursor = try #require(try probe.cursorImage(of: pair))
        #expect(cursor.image.width > 9 + 6 * 7, "the seat's cursor carries no label: \(cursor.image.width) wide")
        #expect(try probe.cursorImage(of: probe.coreSeat()!) != cursor)
        let op = try WireClient(socket: own.controlSocket, name: "op")
        let status = try op.request(["type": "status"])
        let seats = try #require((status["result"] as? [String: Any])?["seats"] as? [[String: Any]])
        #expect(seats.map { $0["name"] as? String } == [seat["name"] as? String])

        let x2 = try XvfbServer()
        let keeper2 = try RecordingClient(display: x2.display, ["a:10,10,300x300"])   // held: the server must not reset
        defer { withExtendedLifetime(keeper2) {} }
        let shared = try MuxDaemon(display: x2.display, seats: false)
        let b = try WireClient(socket: shared.agentSocket, name: "sharing")
        let s2 = try #require(b.hello["seat"] as? [String: Any])
        #expect(s2["mode"] as? String == "shared")
        #expect((s2["reason"] as? String)?.contains("[x11] seats = false") == true)
    }

    @Test func theHumansClickPausesOnlyTheAgentWhoseWindowItHits() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["a:10,10,300x300", "b:320,10,300x300"])
        let mux = try MuxDaemon(display: x.display, pauseOnForeign: true)
        let socket = mux.agentSocket
        let results = UncheckedResults<(errors: [String], seconds: Double, seat: String?)>(count: 2)
        let group = DispatchGroup()
        for (i, win) in ["a", "b"].enumerated() {
            group.enter()
            Thread { results.set(i, Self.typist(socket, "typist-\(win)", win, Self.texts[i])); group.leave() }.start()
        }
        // While both type, the human clicks inside a.
        usleep(400_000)
        let a = client.windows["a"]!
        #expect(try x.run("/usr/bin/xdotool", ["mousemove", "\(a.x + 150)", "\(a.y + 150)", "click", "1"]) == 0)
        group.wait()
        let inA = results.get(0), inB = results.get(1)
        #expect(inA.errors.first.map { ["aborted_by_human", "paused_human"].contains($0) } == true, "a: \(inA.errors)")
        #expect(inB.errors.isEmpty, "b was paused by a click in a: \(inB.errors)")
        client.pump(timeout: 1)
        #expect(Self.typed(client, "b") == Self.texts[1])
        #expect(Self.typed(client, "a").count < Self.texts[0].count)
    }
}

/// A flag one thread raises and another reads.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    func raise() { lock.lock(); raised = true; lock.unlock() }
}
