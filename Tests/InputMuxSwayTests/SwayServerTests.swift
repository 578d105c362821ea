import Foundation
import InputMuxCore
import InputMuxHarness
import InputMuxSystem
import SystemPackage
import Testing
@testable import InputMuxSway

/// The library against a real headless sway 1.7 with real foot windows.
@Suite(.serialized) struct SwayServerTests {
    @Test func theDesktopIsTheBoundingBoxOfTheActiveOutputs() throws {
        let sway = try SwayServer(outputs: [.init(x: 0, y: 0, width: 1280, height: 800), .init(x: 1280, y: 0, width: 640, height: 480)])
        let c = try SwayConnection(socketPath: sway.socketPath)
        let outputs = try c.outputs().sorted { $0.name < $1.name }
        #expect(outputs.map(\.name) == ["HEADLESS-1", "HEADLESS-2"])
        #expect(outputs.map(\.rect) == [Region(x: 0, y: 0, width: 1280, height: 800), Region(x: 1280, y: 0, width: 640, height: 480)])
        #expect(outputs.allSatisfy { $0.active && $0.scale == 1 })
        #expect(try c.desktop() == Region(x: 0, y: 0, width: 1920, height: 800))

        // Layout coordinates are logical pixels: scale 2 halves the output's rect.
        try c.perform("output HEADLESS-1 scale 2")
        let scaled = try #require(try c.outputs().first { $0.name == "HEADLESS-1" })
        #expect(scaled.rect == Region(x: 0, y: 0, width: 640, height: 400) && scaled.scale == 2)
        #expect(try c.desktop() == Region(x: 0, y: 0, width: 1920, height: 480))
        try c.perform("output HEADLESS-2 position 640 0")
        #expect(try c.desktop() == Region(x: 0, y: 0, width: 1280, height: 480))
    }

    @Test func inactiveOutputsAreNotPartOfTheDesktop() {
        // sway 1.7 cannot disable a headless output (it answers success and logs "Failed
        // to commit output"), so the inactive case is built here.
        let on = SwayOutput(name: "A", active: true, rect: Region(x: 0, y: 0, width: 800, height: 600), scale: 1, currentWorkspace: "1")
        let off = SwayOutput(name: "B", active: false, rect: Region(x: 800, y: 0, width: 1024, height: 768), scale: -1, currentWorkspace: nil)
        let below = SwayOutput(name: "C", active: true, rect: Region(x: 100, y: 600, width: 300, height: 200), scale: 1, currentWorkspace: "2")
        #expect(SwayOutput.desktop([on, off, below]) == Region(x: 0, y: 0, width: 800, height: 800))
        #expect(SwayOutput.desktop([off]) == nil)
    }

    @Test func theTreeFindsFootByAppIDWithItsPidAndGeometry() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        #expect(try c.version().hasPrefix("1."))
        let foot = try sway.foot(appID: "inputmux-a", title: "lease me")
        let v = try c.waitForView { $0.appID == "inputmux-a" }
        #expect(v.pid == foot.pid)
        #expect(v.name == "lease me")
        #expect(v.workspace == "1" && v.visible && v.focused && !v.floating && v.shell == "xdg_shell")
        let desktop = try #require(try c.desktop())
        #expect(!v.content.isEmpty && desktop.contains(v.content) && v.rect.contains(v.content))
        #expect(try c.workspaces().first { $0.name == "1" }.map { $0.rect.contains(v.rect) } == true)
        #expect(try c.tree().focused?.conID == v.conID)
        #expect(try c.tree().find(.match(appID: "INPUTMUX-A", title: nil, pid: nil)).conID == v.conID)
    }

    @Test func matchingRefusesNoneAndSeveralLikeTheX11Adapter() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        try sway.foot(appID: "twin", title: "left pane")
        let right = try sway.foot(appID: "twin", title: "right pane")
        _ = try c.waitForView { $0.name == "left pane" }
        _ = try c.waitForView { $0.name == "right pane" }
        let tree = try c.tree()
        let twins = tree.views.filter { $0.appID == "twin" }.map(\.conID).sorted()
        #expect(twins.count == 2)

        do {
            _ = try tree.find(.match(appID: "nothing-like-it", title: nil, pid: nil))
            Issue.record("no window has that app_id")
        } catch {
            #expect(error == .noMatchingWindow("app_id \"nothing-like-it\""))
            #expect(error.description.hasPrefix("no sway window matches app_id \"nothing-like-it\"; "))
        }
        do {
            _ = try tree.find(.match(appID: "twin", title: nil, pid: nil))
            Issue.record("two windows have that app_id")
        } catch {
            guard case .ambiguousMatch(let what, let ids) = error else { Issue.record("got \(error)"); return }
            #expect(what == "app_id \"twin\"" && ids.sorted() == twins)
            #expect(error.description.hasPrefix("2 sway windows match app_id \"twin\" (con_id "))
            #expect(error.description.hasSuffix("name one by its con_id, or make the match narrower"))
        }
        let byTitle = try tree.find(.match(appID: "twin", title: "right", pid: nil))
        #expect(byTitle.pid == right.pid)
        #expect(try tree.find(.match(appID: nil, title: nil, pid: right.pid)).conID == byTitle.conID)
        #expect(try tree.find(.conID(byTitle.conID)).name == "right pane")
        let missing = (twins.max() ?? 0) + 1000
        #expect(throws: SwayError.noSuchWindow(missing)) { try tree.find(.conID(missing)) }
    }

    @Test func anXwaylandWindowIsMatchedByItsClassOrInstance() throws {
        let sway = try SwayServer(xwayland: true)
        let c = try SwayConnection(socketPath: sway.socketPath)
        guard access("/usr/bin/xlogo", X_OK) == 0 else {
            Issue.record("xlogo is missing: run `bash scripts/deps.sh` (package x11-apps)")
            return
        }
        try c.perform("exec /usr/bin/xlogo -name inputmux-x -title 'x logo'")
        let v = try c.waitForView(timeout: .seconds(20)) { $0.shell == "xwayland" }
        #expect(v.appID == nil && v.windowClass == "XLogo" && v.windowInstance == "inputmux-x" && v.name == "x logo")
        #expect((v.pid ?? 0) > 0 && !v.content.isEmpty)
        let tree = try c.tree()
        #expect(try tree.find(.match(appID: "xlogo", title: nil, pid: nil)).conID == v.conID)
        #expect(try tree.find(.match(appID: "INPUTMUX-X", title: "logo", pid: nil)).conID == v.conID)
        #expect(throws: SwayError.noMatchingWindow("app_id \"xlogo\" and title containing \"nope\"")) {
            try tree.find(.match(appID: "xlogo", title: "nope", pid: nil))
        }
    }

    @Test func windowEventsArriveForOpenFocusWorkspaceMoveAndClose() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let events = try SwayConnection(socketPath: sway.socketPath)
        try events.subscribe([.window, .workspace])

        try sway.foot(appID: "ev-a")
        let opened = try events.waitForEvent(timeout: .seconds(15)) { $0.kind == .window && $0.change == "new" }
        #expect(opened?.view?.appID == "ev-a")
        try sway.foot(appID: "ev-b")
        let openedB = try events.waitForEvent(timeout: .seconds(15)) { $0.kind == .window && $0.change == "new" }
        #expect(openedB?.view?.appID == "ev-b")
        let a = try c.waitForView { $0.appID == "ev-a" }, b = try c.waitForView { $0.appID == "ev-b" }

        // A new window takes the focus: B has it now.
        #expect(try c.tree().focused?.conID == b.conID)
        try c.focus(a.conID)
        let focused = try events.waitForEvent(timeout: .seconds(5)) { $0.kind == .window && $0.change == "focus" && $0.view?.conID == a.conID }
        #expect(focused != nil)
        #expect(try c.tree().focused?.conID == a.conID)

        try c.setFloating(a.conID, true)
        #expect(try events.waitForEvent(timeout: .seconds(5)) { $0.kind == .window && $0.change == "floating" }?.view?.conID == a.conID)
        try c.move(a.conID, to: Point(x: 100, y: 50))
        // sway 1.7 sends no window event for this move; the tree has the new place.
        #expect(try c.waitForTree { t in t.view(a.conID).map { $0.floating && $0.rect.x == 100 && $0.rect.y > 50 } == true })
        let moved = try #require(try c.tree().view(a.conID))
        #expect(moved.content.x >= 100 && moved.content.y >= 50)

        try c.perform("[con_id=\(b.conID)] move to workspace 2")
        let toWorkspace = try events.waitForEvent(timeout: .seconds(5)) { $0.kind == .window && $0.change == "move" }
        #expect(toWorkspace?.view?.conID == b.conID)
        #expect(try c.tree().view(b.conID)?.workspace == "2")
        #expect(try c.tree().view(b.conID)?.visible == false)

        try c.close(b.conID)
        let closed = try events.waitForEvent(timeout: .seconds(5)) { $0.kind == .window && $0.change == "close" }
        #expect(closed?.view?.conID == b.conID)
        #expect(try c.waitForTree { $0.view(b.conID) == nil })
    }

    @Test func eventsThatArriveDuringRequestsAreKeptInOrder() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        try c.subscribe([.window])
        try sway.foot(appID: "queued")
        // Requests on the subscribed connection while the window maps: its events come
        // in between the replies and wait for nextEvent.
        let v = try c.waitForView { $0.appID == "queued" }
        var events: [SwayEvent] = []
        while let e = try c.nextEvent(timeout: .milliseconds(300)) { events.append(e) }
        #expect(events.allSatisfy { $0.kind == .window && $0.view?.conID == v.conID })
        let seen = events.map(\.change)
        #expect(seen.first == "new")
        #expect(seen.contains("focus"))
        #expect(try c.nextEvent(timeout: .milliseconds(50)) == nil)
    }

    @Test func aZeroTimeoutReadsTheEventsAlreadyOnTheSocket() throws {
        // The daemon's loop polls the event connection's descriptor, then takes events
        // without waiting: what is on the socket must be read then, or the descriptor
        // stays readable and the loop spins.
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let events = try SwayConnection(socketPath: sway.socketPath)
        try events.subscribe([.window])
        try sway.foot(appID: "zero")
        let v = try c.waitForView { $0.appID == "zero" }
        let fd = FileDescriptor(rawValue: events.fileDescriptor)
        #expect(fd.waitReadable(timeout: .seconds(5)))
        var seen: [SwayEvent] = []
        while let e = try events.nextEvent(timeout: .zero) { seen.append(e) }
        #expect(seen.first?.change == "new" && seen.first?.view?.conID == v.conID)
        // Once read, the descriptor is quiet (events sway sent a moment later read too).
        Thread.sleep(forTimeInterval: 0.3)
        while let e = try events.nextEvent(timeout: .zero) { seen.append(e) }
        #expect(!fd.waitReadable(timeout: .zero))
        #expect(seen.contains { $0.change == "focus" })
    }

    @Test func outputEventsAreRefusedBySway17() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        let version = try c.version()
        let events = try SwayConnection(socketPath: sway.socketPath)
        if version.hasPrefix("1.7") {
            #expect(throws: SwayError.subscriptionRefused(["output"])) { try events.subscribe([.output]) }
        } else {
            try events.subscribe([.output])
        }
    }

    @Test func seatsAndSeatCommands() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        try sway.foot(appID: "seated")
        let v = try c.waitForView { $0.appID == "seated" }
        let seat0 = try #require(try c.seats().first { $0.name == "seat0" })
        #expect(seat0.focus == v.conID)
        // Headless, with no libinput devices: sway has no inputs at all.
        #expect(try c.inputs().isEmpty && seat0.devices.isEmpty)

        #expect(!(try c.seats().contains { $0.name == "inputmux-test" }))
        try c.attach(seat: "inputmux-test", input: "*")
        let made = try #require(try c.seats().first { $0.name == "inputmux-test" })
        #expect(made.focus == v.conID)
        try c.setFallback(seat: "inputmux-test", false)
        try c.setCursor(seat: "inputmux-test", to: Point(x: 10, y: 20))
        do {
            try c.setCursor(seat: "inputmux-no-such-seat", to: Point(x: 1, y: 1))
            Issue.record("a seat that does not exist has no cursor")
        } catch {
            guard case .commandFailed(let command, let why) = error else { Issue.record("got \(error)"); return }
            #expect(command == "seat \"inputmux-no-such-seat\" cursor set 1 1")
            #expect(why.contains("does not exist"))
        }
        do {
            try c.move(v.conID, to: Point(x: 5, y: 5))
            Issue.record("a tiled window cannot move to a position")
        } catch {
            guard case .commandFailed(_, let why) = error else { Issue.record("got \(error)"); return }
            #expect(why.contains("floating"))
        }
    }

    /// How far sway 1.7's named seats hold, for seats of each agent's own: a new window
    /// takes the focus of every seat; `[con_id=N] focus` over IPC moves only the default
    /// seat's focus (and the tree's `focused` flag, which is that seat's); a named seat's
    /// click with its own cursor moves only its focus.
    @Test func newWindowsTakeEverySeatsFocusAndANamedSeatFocusesByItsOwnClick() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        try sway.foot(appID: "first")
        let a = try c.waitForView { $0.appID == "first" }
        try c.attach(seat: "inputmux-agent", input: "1:1:inputmux-agent-pointer")
        func focus() throws -> [String: Int64] { Dictionary(uniqueKeysWithValues: try c.seats().map { ($0.name, $0.focus) }) }
        #expect(try focus() == ["seat0": a.conID, "inputmux-agent": a.conID])

        try sway.foot(appID: "second")
        let b = try c.waitForView { $0.appID == "second" }
        #expect(try c.waitForTree { _ in (try? focus()) == ["seat0": b.conID, "inputmux-agent": b.conID] })

        try c.focus(a.conID)
        #expect(try focus() == ["seat0": a.conID, "inputmux-agent": b.conID])
        #expect(try c.tree().focused?.conID == a.conID)

        // The named seat focuses by clicking with its own cursor; seat0 keeps its focus.
        let inA = try #require(try c.tree().view(a.conID)).content
        try c.click(seat: "inputmux-agent", at: Point(x: inA.x + inA.width / 2, y: inA.y + inA.height / 2))
        #expect(try focus() == ["seat0": a.conID, "inputmux-agent": a.conID])
        let inB = try #require(try c.tree().view(b.conID)).content
        try c.click(seat: "inputmux-agent", at: Point(x: inB.x + 5, y: inB.y + 5))
        #expect(try focus() == ["seat0": a.conID, "inputmux-agent": b.conID])
        #expect(throws: SwayError.unsafeArgument("button12")) { try c.button(seat: "inputmux-agent", 12, pressed: true) }
    }

    @Test func discoveryFindsTheLiveSwayAndPassesOverAStaleSocket() throws {
        let sway = try SwayServer()
        // A socket left by a sway that is gone: a pid that has exited.
        let gone = try ChildProcess("/bin/true", [])
        _ = gone.wait(timeout: .seconds(5))
        let stale = "\(sway.runtimeDirectory)/sway-ipc.\(sway.uid).\(gone.pid).sock"
        try UnixSocket.listen(at: stale).close()
        let found = SwaySocket.candidates(in: sway.runtimeDirectory)
        #expect(Set(found.map(\.path)) == [sway.socketPath, stale])
        #expect(found.first { $0.path == sway.socketPath }?.alive == true)
        #expect(found.first { $0.path == stale }?.alive == false)

        // A runtime root laid out like /run/user: UID → the session's directory.
        let root = try HarnessFiles.temporaryDirectory("inputmux-run-user")
        #expect(symlink(sway.runtimeDirectory, "\(root)/\(sway.uid)") == 0)
        let throughRoot = "\(root)/\(sway.uid)/sway-ipc.\(sway.uid).\(sway.server.pid).sock"
        #expect(try SwaySocket.locate(environment: [:], runtimeRoot: root) == throughRoot)
        #expect(try SwaySocket.locate(environment: [:], runtimeRoot: root, uid: sway.uid) == throughRoot)
        #expect(try SwaySocket.locate(environment: ["SWAYSOCK": "/from/env"], runtimeRoot: root) == "/from/env")
        #expect(try SwaySocket.locate(configured: "/from/config", environment: ["SWAYSOCK": "/from/env"], runtimeRoot: root) == "/from/config")
        #expect(throws: SwayError.noSessionFound(searched: ["\(root)/4242"])) {
            try SwaySocket.locate(environment: [:], runtimeRoot: root, uid: 4242)
        }
        let c = try SwayConnection(socketPath: try SwaySocket.locate(environment: [:], runtimeRoot: root))
        #expect(try c.version().hasPrefix("1."))
        unlink("\(root)/\(sway.uid)")
        rmdir(root)
    }
}
