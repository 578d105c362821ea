import Glibc
import InputMuxCore
@testable import InputMuxDaemon
import InputMuxHarness
import InputMuxSway
import Logging
import Testing

/// The sway adapter as the engine loop uses it, against a real headless sway with real
/// foot windows: window leases resolved and followed, the focus, the desktop.
@Suite(.serialized) struct SwayBridgeTests {
    static let logger = Logger(label: "sway-bridge-test")

    func lease(_ bridge: SwayBridge, _ match: WindowMatch) throws(Rejection) -> LeaseResources {
        let request = AgentRequest.acquire(LeaseRequest(LeaseResources(area: .region(Region(x: 0, y: 0, width: 1, height: 1)), keyboard: true)))
        guard case .acquire(let l) = try bridge.prepare(request, window: match).0 else { throw Rejection(.badGesture, "not an acquire") }
        return l.resources
    }

    /// Services the bridge until `wanted` is among what it reported, or `timeout` passed.
    func serviceUntil(_ bridge: SwayBridge, timeout: Duration = .seconds(5), _ wanted: (EngineInput) -> Bool) -> [EngineInput] {
        let deadline = ContinuousClock.now + timeout
        var all: [EngineInput] = []
        while ContinuousClock.now < deadline {
            all += bridge.service()
            if all.contains(where: wanted) { return all }
            usleep(20_000)
        }
        return all
    }

    @Test func aWindowLeaseIsResolvedByAppIDTitleOrPidAndRefusedForNoneOrSeveral() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let bridge = try SwayBridge(socketPath: sway.socketPath, seats: false, logger: Self.logger)
        #expect(try bridge.desktop() == Region(x: 0, y: 0, width: 1280, height: 800))
        let a = try sway.foot(appID: "lease-a", title: "alpha")
        try sway.foot(appID: "lease-b", title: "beta")
        let va = try c.waitForView { $0.appID == "lease-a" }
        _ = try c.waitForView { $0.appID == "lease-b" }
        let byApp = try lease(bridge, .match(className: "lease-a", title: nil))
        // The window, where sway had it (the layout may still settle as the second one maps).
        #expect(byApp.area.window == SwayBridge.window(va.conID))
        #expect(!byApp.area.region.isEmpty && Region(x: 0, y: 0, width: 1280, height: 800).contains(byApp.area.region))
        #expect(try lease(bridge, .match(className: nil, title: nil, pid: a.pid)).area.window == SwayBridge.window(va.conID))
        #expect(try lease(bridge, .id(UInt64(va.conID))).area.window == SwayBridge.window(va.conID))
        do {
            _ = try lease(bridge, .match(className: "nothing", title: nil))
            Issue.record("no window is called nothing")
        } catch {
            #expect(error.code == .noSuchWindow)
            #expect(error.message.hasPrefix("lease refused: no sway window matches app_id \"nothing\""))
        }
        do {
            _ = try lease(bridge, .match(className: nil, title: "a"))     // "alpha" and "beta"
            Issue.record("two titles contain a")
        } catch {
            #expect(error.code == .noSuchWindow && error.message.contains("2 sway windows match"))
        }
    }

    @Test func aLeasedWindowIsFollowedWhenMovedAndEndsWhenClosed() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let bridge = try SwayBridge(socketPath: sway.socketPath, seats: false, logger: Self.logger)
        try sway.foot(appID: "follow-me")
        let v = try c.waitForView { $0.appID == "follow-me" }
        let w = SwayBridge.window(v.conID)
        _ = try lease(bridge, .match(className: "follow-me", title: nil))
        _ = bridge.service()
        // sway sends no event for this move: the bridge reads the tree within its refresh.
        try c.setFloating(v.conID, true)
        try c.move(v.conID, to: Point(x: 200, y: 120))
        // The lease covers the client's surface: inside the container sway put at 200,120
        // (past its border and title bar; sway may still settle the floating size).
        func inside(_ r: Region) -> Bool { (200...210).contains(r.x) && (120...160).contains(r.y) }
        let moved = serviceUntil(bridge) { if case .windowGeometry(w, let r?) = $0 { inside(r) } else { false } }
        #expect(moved.contains { if case .windowGeometry(w, let r?) = $0 { inside(r) } else { false } }, "\(moved)")
        let placed = try #require(try c.tree().view(v.conID))
        #expect(placed.rect.x == 200 && placed.rect.contains(placed.content) && placed.content != placed.rect, "\(placed)")
        // Moved to a workspace no output shows: the lease covers nothing until it is back.
        try c.perform("[con_id=\(v.conID)] move container to workspace 7")
        let hidden = serviceUntil(bridge) { if case .windowGeometry(w, let r?) = $0 { r.isEmpty } else { false } }
        #expect(hidden.contains { if case .windowGeometry(w, let r?) = $0 { r.isEmpty } else { false } }, "\(hidden)")
        try c.perform("workspace 7")
        let shown = serviceUntil(bridge) { if case .windowGeometry(w, let r?) = $0 { !r.isEmpty } else { false } }
        #expect(shown.contains { if case .windowGeometry(w, let r?) = $0 { !r.isEmpty } else { false } }, "\(shown)")
        try c.close(v.conID)
        let closed = serviceUntil(bridge) { if case .windowGeometry(w, nil) = $0 { true } else { false } }
        #expect(closed.contains { if case .windowGeometry(w, nil) = $0 { true } else { false } }, "\(closed)")
    }

    @Test func keysLearnWhereSwaysFocusIsAndFocusChangesAreReported() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let bridge = try SwayBridge(socketPath: sway.socketPath, seats: false, logger: Self.logger)
        try sway.foot(appID: "focus-a")
        let a = try c.waitForView { $0.appID == "focus-a" }
        try sway.foot(appID: "focus-b")
        let b = try c.waitForView { $0.appID == "focus-b" }
        _ = try lease(bridge, .match(className: "focus-a", title: nil))
        // A new window takes the focus: b has it, and keys are told so.
        _ = try c.waitForTree { $0.focused?.conID == b.conID }
        let (_, before) = try bridge.prepare(.gesture(.type(text: "x")), window: nil)
        #expect(before.contains { if case .focusedWindow(SwayBridge.window(b.conID), _?) = $0 { true } else { false } }, "\(before)")
        try c.focus(a.conID)
        let after = serviceUntil(bridge) { if case .focusedWindow(SwayBridge.window(a.conID), _) = $0 { true } else { false } }
        let now = try #require(try c.tree().view(a.conID))
        #expect(after.contains { if case .focusedWindow(SwayBridge.window(a.conID), let r?) = $0 { r == now.content } else { false } },
                "\(after)")
        #expect(bridge.whereTheHumanIs().contains { if case .focusedWindow(SwayBridge.window(a.conID), _) = $0 { true } else { false } })
    }
}
