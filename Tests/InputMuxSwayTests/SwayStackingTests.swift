import Foundation
import InputMuxCore
import InputMuxHarness
import InputMuxSway
import InputMuxWire
import Testing

/// What sway shows of a window and what it draws over it, from `GET_TREE`: trees taken
/// from a real sway 1.7 (headless, 1280x800, default borders: a 27-pixel title bar and
/// 2-pixel borders), then the same rules against a live sway.
@Suite(.serialized) struct SwayStackingTests {
    /// `Fixtures/NAME.json`, read as `SwayConnection.tree()` reads a reply.
    static func fixture(_ name: String) throws -> SwayTree {
        guard let path = Bundle.module.path(forResource: name, ofType: "json", inDirectory: "Fixtures") else {
            throw HarnessError("Fixtures/\(name).json is not in the test bundle")
        }
        guard let json = JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), maximumDepth: 512) else {
            throw HarnessError("Fixtures/\(name).json is not JSON")
        }
        return try SwayTree(sway: json)
    }

    /// Workspace 1: tileA (con 5) tiled on the left; a tabbed container on the right with
    /// tileB (6, the hidden tab) and tabG (13, the shown one); floatC (7, outer corner at
    /// 400,300, 300x200 with its title bar) and floatD (8, 600,400, 200x150) floating,
    /// floatD raised last. scratchE (9) in the scratchpad; otherF (11) on workspace 2.
    @Test func whatLiesAboveEachWindowOfARealTree() throws {
        let tree = try Self.fixture("tree-tabbed-floating-scratchpad")
        #expect(tree.shownWorkspaces == ["1"])
        let floatC = try #require(tree.view(7)), floatD = try #require(tree.view(8))
        #expect(floatC.titleBar == Region(x: 400, y: 300, width: 300, height: 27) && floatC.rect == Region(x: 400, y: 327, width: 300, height: 173))
        #expect(floatC.outer == Region(x: 400, y: 300, width: 300, height: 200))
        #expect(floatD.outer == Region(x: 600, y: 400, width: 200, height: 150))
        // Tiled windows: both floating ones reach into each.
        #expect(tree.surfacesAbove(5) == [floatC.outer, floatD.outer])
        #expect(tree.surfacesAbove(13) == [floatC.outer, floatD.outer])
        // A floating window: only those after it in sway's floating order.
        #expect(tree.surfacesAbove(7) == [floatD.outer])
        #expect(tree.surfacesAbove(8) == [])
        // Not shown: the hidden tab, the scratchpad, another workspace, a window that is not there.
        for con: Int64 in [6, 9, 11, 999] { #expect(tree.surfacesAbove(con) == nil, "con \(con)") }
    }

    /// The same sway after `[app_id=tileA] fullscreen enable`: every other window of the
    /// workspace is hidden (sway's `visible` false), the floating ones included.
    @Test func aFullscreenWindowHidesTheOthersAndNothingIsAboveIt() throws {
        let tree = try Self.fixture("tree-fullscreen")
        let tileA = try #require(tree.view(5))
        #expect(tileA.fullscreen && tileA.rect == Region(x: 0, y: 0, width: 1280, height: 800) && tileA.titleBar == nil)
        #expect(tree.surfacesAbove(5) == [])
        for con: Int64 in [6, 7, 8, 9, 11, 13] { #expect(tree.surfacesAbove(con) == nil, "con \(con)") }
    }

    /// Two 640x480 outputs side by side (no borders): tileR (con 7) tiles workspace 1 on
    /// the left; on workspace 2, right, tileY (8) is fullscreen and floatB (9), whose
    /// workspace that is, reaches 100 pixels onto the left output. sway marks floatB not
    /// visible, yet draws it over tileR (grim showed its blue at 560,150).
    @Test func aHiddenFloatingWindowOfAShownWorkspaceStillCoversAnotherOutput() throws {
        let tree = try Self.fixture("tree-two-outputs-fullscreen")
        #expect(tree.shownWorkspaces == ["1", "2"])
        let floatB = try #require(tree.view(9))
        #expect(!floatB.visible && floatB.floating && floatB.outer == Region(x: 540, y: 100, width: 200, height: 200))
        #expect(tree.surfacesAbove(7) == [floatB.outer])
        #expect(tree.surfacesAbove(8) == [])
        #expect(tree.surfacesAbove(9) == nil)
    }

    /// base (con 5) tiled; n1 (6) floating; then a floating container (7) holding a
    /// vertical split of n2 (8) over n3 (9): they float with it, above base and n1, and
    /// side by side they cover nothing of each other.
    @Test func viewsInsideAFloatingContainerFloat() throws {
        let tree = try Self.fixture("tree-floating-split")
        let n1 = try #require(tree.view(6)), n2 = try #require(tree.view(8)), n3 = try #require(tree.view(9))
        let base = try #require(tree.view(5))
        #expect(n2.floating && n3.floating && !base.floating)
        #expect(n3.outer == Region(x: 320, y: 400, width: 640, height: 300))
        #expect(tree.surfacesAbove(5) == [n1.outer, n2.outer, n3.outer])
        #expect(tree.surfacesAbove(6) == [n2.outer, n3.outer])
        #expect(tree.surfacesAbove(8) == [] && tree.surfacesAbove(9) == [])
    }

    /// Rules a fixture does not hold: a fullscreen window on another output covers the
    /// part of a floating window reaching onto it; a floating window of a shown workspace
    /// counts even where sway says it is not visible (its workspace has a fullscreen
    /// window, yet sway draws it where it reaches onto another output).
    @Test func acrossOutputs() throws {
        func view(_ con: Int64, _ ws: String, _ rect: Region, floating: Bool = false, fullscreen: Bool = false, visible: Bool = true) throws -> SwayView {
            let text = """
            {"id":\(con),"type":"\(floating ? "floating_con" : "con")","shell":"xdg_shell","pid":1,"visible":\(visible),
             "fullscreen_mode":\(fullscreen ? 1 : 0),"rect":{"x":\(rect.x),"y":\(rect.y),"width":\(rect.width),"height":\(rect.height)},
             "deco_rect":{"x":\(rect.x),"y":\(rect.y - 10),"width":\(rect.width),"height":\(floating ? 10 : 0)}}
            """
            let node = try #require(JSON.parse(text))
            // A floating view's deco_rect counts from its workspace, here at 0,0.
            return try #require(try SwayView(node: node, workspace: ws, parent: Region(x: 0, y: 0, width: 1800, height: 800)))
        }
        let tree = SwayTree(views: [
            try view(1, "1", Region(x: 0, y: 0, width: 1000, height: 800)),
            try view(2, "1", Region(x: 900, y: 100, width: 300, height: 200), floating: true),
            try view(3, "2", Region(x: 1000, y: 0, width: 800, height: 600), fullscreen: true),
            try view(4, "2", Region(x: 950, y: 500, width: 100, height: 100), floating: true, visible: false),
            try view(5, "3", Region(x: 100, y: 100, width: 100, height: 100), floating: true, visible: false),
        ], shownWorkspaces: ["1", "2"])
        #expect(tree.surfacesAbove(1) == [Region(x: 900, y: 90, width: 300, height: 210), Region(x: 950, y: 490, width: 100, height: 110)])
        #expect(tree.surfacesAbove(2) == [Region(x: 1000, y: 0, width: 800, height: 600)])
        #expect(tree.surfacesAbove(3) == [])
    }

    /// A live sway with default borders: a tiled foot under a floating one, the raise
    /// order, another workspace, the scratchpad.
    @Test func aLiveSwayAgrees() throws {
        let sway = try SwayServer()
        let c = try SwayConnection(socketPath: sway.socketPath)
        try sway.foot(appID: "tiled")
        let tiled = try c.waitForView { $0.appID == "tiled" }
        try sway.foot(appID: "low")
        _ = try c.waitForView { $0.appID == "low" }
        try sway.message(["[app_id=low] floating enable, resize set 300 200, move absolute position 100 100"])
        try sway.foot(appID: "high")
        _ = try c.waitForView { $0.appID == "high" }
        try sway.message(["[app_id=high] floating enable, resize set 300 200, move absolute position 250 200"])
        var tree = try c.tree()
        let low = try #require(tree.views.first { $0.appID == "low" }), high = try #require(tree.views.first { $0.appID == "high" })
        // `move absolute position` puts the outer corner (title bar included) there.
        let bar = try #require(low.titleBar)
        #expect(low.outer.x == 100 && low.outer.y == 100 && bar.height > 0 && bar.y == 100 && low.rect.y == 100 + bar.height)
        #expect(tree.surfacesAbove(tiled.conID) == [low.outer, high.outer])
        #expect(tree.surfacesAbove(low.conID) == [high.outer])
        #expect(tree.surfacesAbove(high.conID) == [])
        // Focusing the lower floating window raises it.
        try sway.message(["[app_id=low] focus"])
        tree = try c.tree()
        #expect(tree.surfacesAbove(low.conID) == [])
        #expect(tree.surfacesAbove(high.conID) == [low.outer])
        // Another workspace, the scratchpad: not shown.
        try sway.message(["[app_id=high] move container to workspace 2"])
        try sway.message(["[app_id=low] move scratchpad"])
        tree = try c.tree()
        #expect(tree.surfacesAbove(high.conID) == nil && tree.surfacesAbove(low.conID) == nil)
        #expect(tree.surfacesAbove(tiled.conID) == [])
        try sway.message(["workspace 2"])
        tree = try c.tree()
        #expect(tree.shownWorkspaces == ["2"] && tree.surfacesAbove(tiled.conID) == nil && tree.surfacesAbove(high.conID) == [])
    }
}
