import Foundation
import InputMuxHarness
import InputMuxCore
@testable import InputMuxX11
import CX11
import Testing

/// The X11 library against a real X server (Xvfb) and a real X client.
@Suite(.serialized) struct X11LibraryTests {
    static func clock() -> Instant {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Instant(nanoseconds: Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec))
    }

    @Test func anUnreachableDisplayIsATypedErrorThatSaysWhatToCheck() throws {
        do {
            _ = try X11Display(display: ":97", xauthority: "/nonexistent/cookie")
            Issue.record("opening :97 should fail")
        } catch {
            #expect(error == .displayUnreachable(display: ":97", xauthority: "/nonexistent/cookie"))
            #expect(error.description.contains("xdpyinfo -display :97"))
        }
    }

    @Test func theDesktopIsTheRandRLayout() throws {
        let x = try XvfbServer(width: 1280, height: 800)
        let d = try X11Display(display: x.display, xauthority: nil)
        #expect(d.desktop() == Region(x: 0, y: 0, width: 1280, height: 800))
    }

    @Test func windowsAreFoundByIdClassOrTitle() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200", "beta:400,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let a = c.windows["alpha"]!
        let byID = try d.find(.id(a.id))
        #expect(byID.geometry == Region(x: Int32(a.x), y: Int32(a.y), width: 300, height: 200))
        #expect(try d.find(.match(className: "beta", title: nil)).id.rawValue == c.windows["beta"]!.id)
        #expect(try d.find(.match(className: nil, title: "test alpha")).id.rawValue == a.id)
        #expect(throws: X11Error.self) { try d.find(.match(className: "InputMuxTest", title: nil)) }   // both match
        #expect(throws: X11Error.noMatchingWindow("class \"gamma\"")) { try d.find(.match(className: "gamma", title: nil)) }
        #expect(throws: X11Error.noSuchWindow(0x7ffff0)) { try d.find(.id(0x7ffff0)) }
        // By the owning process (_NET_WM_PID): both windows are the client's, so alone it is
        // ambiguous; with the class it is one.
        let pid = c.child.pid
        do throws(X11Error) {
            _ = try d.find(.match(className: nil, title: nil, pid: pid))
            Issue.record("two windows of one process were not ambiguous")
        } catch {
            guard case .ambiguousMatch(let m, let ws) = error else { Issue.record("\(error)"); return }
            #expect(m == "pid \(pid)" && Set(ws) == [a.id, c.windows["beta"]!.id])
        }
        #expect(try d.find(.match(className: "alpha", title: nil, pid: pid)).id.rawValue == a.id)
        #expect(throws: X11Error.noMatchingWindow("pid 1")) { try d.find(.match(className: nil, title: nil, pid: 1)) }
    }

    @Test func xtestClicksAndKeysReachTheWindowUnderThePointer() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200", "beta:400,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let inj = XTestInjector(display: d)
        let now = Self.clock()
        inj.inject(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 450), EvdevEvent(type: EV.abs, code: ABS.y, value: 70)]), session: 1, at: now)
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 1)]), session: 1, at: now)
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 0)]), session: 1, at: now)
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 30, value: 1)]), session: 1, at: now)   // KEY_A
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 30, value: 0)]), session: 1, at: now)
        let press = try c.waitFor(timeout: 5) { $0["ev"] as? String == "key" }
        #expect(press?["win"] as? String == "beta")
        #expect(press?["keycode"] as? Int == 38)   // evdev 30 + 8
        let clicks = c.received("press", in: "beta")
        #expect(clicks.count == 1)
        #expect(clicks.first?["x"] as? Int == 50 && clicks.first?["y"] as? Int == 50)
        #expect(clicks.first?["button"] as? Int == 1)
        #expect(c.received("press", in: "alpha").isEmpty)
    }

    @Test func trackedWindowsReportMovesAndTheirEnd() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let watch = X11Watch(display: d, clock: Self.clock)
        let w = WindowID(c.windows["alpha"]!.id)
        #expect(watch.track(w)?.geometry == Region(x: 10, y: 20, width: 300, height: 200))
        try c.command("move alpha 500 300")
        var changes = pumpUntil(watch) { !$0.isEmpty }
        #expect(changes.contains { if case .window(w, let info?) = $0 { info.geometry == Region(x: 500, y: 300, width: 300, height: 200) } else { false } })
        try c.command("close alpha")
        changes = pumpUntil(watch) { $0.contains(.window(w, nil)) }
        #expect(changes.contains(.window(w, nil)))
        #expect(watch.trackedWindows.isEmpty)
    }

    /// A window no lease follows any more is not watched any more: the daemon's
    /// StructureNotify selection on it is dropped, and another tracked window keeps its own.
    @Test func anUntrackedWindowIsNoLongerWatched() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200", "beta:400,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let watch = X11Watch(display: d, clock: Self.clock)
        let alpha = WindowID(c.windows["alpha"]!.id), beta = WindowID(c.windows["beta"]!.id)
        func selected(_ w: WindowID) -> Int {
            var a = XWindowAttributes()
            XGetWindowAttributes(d.display, UInt(w.rawValue), &a)
            return a.your_event_mask & StructureNotifyMask
        }
        #expect(selected(alpha) == 0 && selected(beta) == 0)
        watch.track(alpha)
        watch.track(beta)
        #expect(selected(alpha) != 0 && selected(beta) != 0)
        watch.untrack { $0 == beta }
        #expect(watch.trackedWindows == [beta])
        #expect(selected(alpha) == 0, "the daemon still watches alpha after its lease ended")
        #expect(selected(beta) != 0)
        // A moved untracked window is no news; the tracked one still is.
        try c.command("move alpha 500 300")
        try c.command("move beta 600 400")
        let changes = pumpUntil(watch) { !$0.isEmpty }
        #expect(changes.allSatisfy { if case .window(let w, _) = $0 { w == beta } else { true } }, "\(changes)")
        #expect(changes.contains { if case .window(beta, let info?) = $0 { info.geometry.x == 600 } else { false } })
        // A closed window's selection went with it; closing leaves nothing tracked.
        try c.command("close beta")
        #expect(pumpUntil(watch) { $0.contains(.window(beta, nil)) }.contains(.window(beta, nil)))
        #expect(watch.trackedWindows.isEmpty)
    }

    @Test func focusIsTheFocusedWindowOrTheOneUnderThePointer() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200", "beta:400,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let alpha = WindowID(c.windows["alpha"]!.id), beta = WindowID(c.windows["beta"]!.id)
        try c.command("focus alpha")
        var f = d.focus(leased: [alpha, beta])
        #expect(f.window == alpha && !f.followsPointer)
        try c.command("pointerroot")
        let inj = XTestInjector(display: d)
        inj.inject(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 500), EvdevEvent(type: EV.abs, code: ABS.y, value: 100)]), session: 1, at: Self.clock())
        d.sync()
        f = d.focus(leased: [alpha])
        #expect(f.followsPointer)
        #expect(f.window == beta)
        #expect(f.geometry == Region(x: 400, y: 20, width: 300, height: 200))
    }

    @Test func aStrayXdotoolClickIsForeignAndOurOwnInjectionIsNot() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["alpha:10,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let watch = X11Watch(display: d, clock: Self.clock)
        let inj = XTestInjector(display: d)
        let now = Self.clock()
        inj.inject(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 50), EvdevEvent(type: EV.abs, code: ABS.y, value: 50)]), session: 1, at: now)
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 1)]), session: 1, at: now)
        inj.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 0)]), session: 1, at: now)
        _ = try c.waitFor(timeout: 5) { $0["ev"] as? String == "release" }
        d.sync()
        let ours = pumpUntil(watch, for: 0.3) { _ in false }
        #expect(!ours.contains { if case .foreign = $0 { true } else { false } })
        #expect(d.ledger.outstanding == 0)
        #expect(try x.run("/usr/bin/xdotool", ["click", "3"]) == 0)
        let theirs = pumpUntil(watch) { $0.contains { if case .foreign(let f) = $0 { f.kind == .buttonPress } else { false } } }
        let press = theirs.compactMap { if case .foreign(let f) = $0, f.kind == .buttonPress { f } else { nil } }
        #expect(press.count == 1)
        #expect(press.first?.detail == 3)
        #expect(press.first?.device.contains("XTEST") == true)
    }

    /// Pumps the watch until `done` holds for what it gathered, or `seconds` pass.
    func pumpUntil(_ w: X11Watch, for seconds: Double = 5, _ done: ([X11Change]) -> Bool) -> [X11Change] {
        var all: [X11Change] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            all += w.pump()
            if done(all) { return all }
            usleep(10_000)
        }
        return all
    }
}
