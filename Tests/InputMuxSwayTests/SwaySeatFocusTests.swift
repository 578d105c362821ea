import Glibc
import InputMuxCore
@testable import InputMuxDaemon
import InputMuxHarness
import InputMuxSway
import Logging
import Testing

/// A named seat's focus on a real headless sway with real foot windows: taken by a click
/// of the seat on the window's title bar, read back from GET_SEATS, never moving the
/// human's seat (seat0); refused with what to do where sway cannot be made to move it.
/// The headless backend has no input devices, so the seat is made by `seat NAME attach`
/// of an identifier no device has (sway makes the seat from that configuration).
@Suite(.serialized) struct SwaySeatFocusTests {
    static let logger = Logger(label: "sway-seat-focus-test")

    struct Desk {
        let sway: SwayServer
        let c: SwayConnection
        let focus: SwaySeatFocus
        let a: SwayView, b: SwayView

        init(configuration: [String] = []) throws {
            sway = try SwayServer(configuration: configuration)
            c = try SwayConnection(socketPath: sway.socketPath)
            try sway.foot(appID: "seat-a")
            _ = try c.waitForView { $0.appID == "seat-a" }
            try sway.foot(appID: "seat-b")
            _ = try c.waitForView { $0.appID == "seat-b" && $0.focused }
            a = try c.waitForView { $0.appID == "seat-a" }
            b = try c.waitForView { $0.appID == "seat-b" }
            try c.attach(seat: "inputmux-test-1", input: "0:0:no_such_device")
            focus = SwaySeatFocus(sway: c, seat: "inputmux-test-1", logger: SwaySeatFocusTests.logger)
        }

        func seat0() throws -> Int64 { try c.seats().first { $0.name == "seat0" }!.focus }
    }

    @Test func aWindowsTitleBarClickGivesTheSeatItsFocusAndLeavesTheHumansAlone() throws {
        let d = try Desk()
        #expect(try d.seat0() == d.b.conID)
        #expect(d.a.titleBar != nil, "sway's default configuration draws title bars")
        #expect(!d.focus.holds(.window(SwayBridge.window(d.a.conID))))
        #expect(d.focus.take(.window(SwayBridge.window(d.a.conID))) == .taken)
        #expect(try d.focus.current() == d.a.conID)
        #expect(d.focus.holds(.window(SwayBridge.window(d.a.conID))))
        #expect(!d.focus.holds(.window(SwayBridge.window(d.b.conID))))
        // The human's seat keeps its focus, and the window did not move.
        #expect(try d.seat0() == d.b.conID)
        #expect(try d.c.tree().view(d.a.conID)?.rect == d.a.rect)
        // Taken again without a click: it is there already.
        #expect(d.focus.take(.window(SwayBridge.window(d.a.conID))) == .taken)
    }

    @Test func aFloatingWindowOverTheTitleBarIsNotClicked() throws {
        let d = try Desk()
        // b floats over the middle of a's title bar.
        try d.c.setFloating(d.b.conID, true)
        let before = try d.c.tree()
        let bar = try #require(before.view(d.a.conID)?.titleBar)
        try d.c.move(d.b.conID, to: Point(x: bar.x + bar.width / 2 - 100, y: bar.y))
        let tree = try d.c.tree()
        let b = try #require(tree.view(d.b.conID))
        let a = try #require(tree.view(d.a.conID))
        let p = try #require(tree.uncoveredTitleBarPoint(of: a))
        #expect(bar.contains(p) && !b.rect.contains(p) && !(b.titleBar?.contains(p) ?? false), "\(p) \(b.rect) \(String(describing: b.titleBar))")
        #expect(d.focus.take(.window(SwayBridge.window(d.a.conID))) == .taken)
        #expect(try d.seat0() == d.b.conID)
    }

    @Test func aNewWindowTakesTheSeatsFocusAndTheFocusIsTakenBack() throws {
        let d = try Desk()
        let wa = SwayBridge.window(d.a.conID)
        #expect(d.focus.take(.window(wa)) == .taken)
        try d.sway.foot(appID: "seat-c")
        let cv = try d.c.waitForView { $0.appID == "seat-c" }
        // sway gives a new window every seat's focus: what keys ran would stop.
        let moved = (0..<100).contains { _ in usleep(20_000); return !d.focus.holds(.window(wa)) }
        #expect(moved)
        #expect(try d.focus.current() == cv.conID)
        #expect(d.focus.take(.window(wa)) == .taken)
    }

    @Test func windowsItCannotFocusAreRefusedWithWhatToDo() throws {
        let d = try Desk()
        // Another workspace.
        try d.c.perform("[con_id=\(d.a.conID)] move container to workspace 9")
        guard case .refused(let hidden) = d.focus.take(.window(SwayBridge.window(d.a.conID))) else {
            Issue.record("a window on a workspace nobody shows took the focus"); return
        }
        #expect(hidden.contains("not shown"))
        // Gone.
        guard case .refused(let gone) = d.focus.take(.window(WindowID(999_999))) else { Issue.record("no such window"); return }
        #expect(gone.contains("gone"))
    }

    @Test func withoutTitleBarsOnlyTheSeatsOwnClickFocuses() throws {
        let d = try Desk(configuration: ["default_border pixel 2"])
        let wa = SwayBridge.window(d.a.conID)
        #expect(try d.c.tree().view(d.a.conID)?.titleBar == nil)
        guard case .refused(let why) = d.focus.take(.window(wa)) else { Issue.record("focused without a title bar"); return }
        #expect(why.contains("click into the window with your own pointer"))
        // The agent's own click (its seat's cursor) focuses it.
        let inside = Point(x: d.a.content.x + 20, y: d.a.content.y + 20)
        try d.c.click(seat: "inputmux-test-1", at: inside)
        #expect(d.focus.take(.window(wa)) == .taken)
        #expect(try d.seat0() == d.b.conID)
        // A region lease: keys go where the seat's click focused, which must be under its pointer.
        #expect(d.focus.take(.underPointer(inside)) == .taken)
        #expect(d.focus.holds(.underPointer(inside)))
        let overB = Point(x: d.b.content.x + 20, y: d.b.content.y + 20)
        guard case .refused(let elsewhere) = d.focus.take(.underPointer(overB)) else { Issue.record("focus is on a, not b"); return }
        #expect(elsewhere.contains("click into it first"))
        #expect(!d.focus.holds(.underPointer(overB)))
    }

    @Test func seatNamesKeepToWhatSwayTakes() {
        #expect(SwaySeats.seatName(agent: "alice", session: 3) == "inputmux-alice-3")
        #expect(SwaySeats.seatName(agent: "a b;\"c", session: 12) == "inputmux-a_b__c-12")
        #expect(SwaySeats.seatName(agent: String(repeating: "x", count: 80), session: 1).count == "inputmux-".count + 32 + 2)
    }
}
