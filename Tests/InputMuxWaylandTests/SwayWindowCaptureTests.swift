import Glibc
import InputMuxCore
import struct InputMuxCore.Region
@testable import InputMuxDaemon
import InputMuxHarness
import InputMuxImage
import InputMuxSight
import InputMuxSway
import InputMuxWayland
import Testing

/// A sway window lease's capture as the daemon makes it (`ScreenWindowSource` over
/// wlr-screencopy, with `SwayWindowLocator` reading sway's tree), against a real headless
/// sway with foot windows of known colours, and grim as the reference.
@Suite(.serialized) struct SwayWindowCaptureTests {
    typealias T = WaylandCaptureSourceTests

    /// The daemon's source for `sway`.
    static func source(_ sway: SwayServer) throws -> ScreenWindowSource {
        ScreenWindowSource(screen: try WaylandCaptureSource(socket: sway.socket), locator: SwayWindowLocator(socketPath: sway.socketPath))
    }

    /// The window of `appID` as the engine names it.
    static func window(_ sway: SwayServer, _ appID: String) throws -> WindowID {
        let c = try SwayConnection(socketPath: sway.socketPath)
        let v = try c.tree().find(.match(appID: appID, title: nil, pid: nil))
        return WindowID(UInt64(bitPattern: v.conID))
    }

    /// A foot window of one colour (text too), floating when `floating`.
    static func foot(_ sway: SwayServer, _ appID: String, _ colour: String) throws {
        try sway.client("foot", ["-a", appID, "-o", "colors.background=\(colour)", "-o", "colors.foreground=\(colour)", "sleep", "600"])
        try sway.waitForWindow(appID)
    }

    /// grim's PNG of desktop rectangle `r`, as 0xRRGGBB rows.
    static func grim(_ sway: SwayServer, _ r: Region) throws -> [[UInt32]] {
        guard let grim = HarnessFiles.which("grim") else { throw HarnessError("grim is missing: run bash scripts/deps.sh") }
        let png = sway.directory + "/grim.png"
        let (end, lines) = try ChildProcess.run(grim, ["-g", "\(r.x),\(r.y) \(r.width)x\(r.height)", png],
                                                environment: ["WAYLAND_DISPLAY": sway.socket, "XDG_RUNTIME_DIR": sway.runtime])
        guard end.isSuccess else { throw HarnessError("grim failed: \(lines)") }
        let d = try PNGCodec.decode(readAll(png))
        guard d.width == Int(r.width), d.height == Int(r.height) else { throw HarnessError("grim gave \(d.width)x\(d.height) for \(r)") }
        return (0..<d.height).map { y in
            (0..<d.width).map { x in
                let i = (y * d.width + x) * 4
                return UInt32(d.rgba[i]) << 16 | UInt32(d.rgba[i + 1]) << 8 | UInt32(d.rgba[i + 2])
            }
        }
    }

    /// Compares `image` with grim's picture of `onScreen`: pixels inside `blank` (image
    /// coordinates) must be all-zero bytes, the others grim's. Counts the misfits.
    static func compare(_ image: PixelImage, grim: [[UInt32]], blank: Region? = nil) -> (differing: Int, notBlank: Int, blanked: Int) {
        var differing = 0, notBlank = 0, blanked = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                if let blank, blank.contains(Point(x: Int32(x), y: Int32(y))) {
                    let i = y * image.stride + x * 4
                    if image.bytes[i..<i + 4].allSatisfy({ $0 == 0 }) { blanked += 1 } else { notBlank += 1 }
                } else if image.rgb(x: x, y: y) != grim[y][x] {
                    differing += 1
                }
            }
        }
        return (differing, notBlank, blanked)
    }

    static func count(_ image: PixelImage, _ colour: UInt32) -> Int {
        var n = 0
        for y in 0..<image.height { for x in 0..<image.width where image.rgb(x: x, y: y) == colour { n += 1 } }
        return n
    }

    @Test func anUncoveredWindowIsItsRectangleOfTheScreenAsGrimSeesIt() throws {
        let sway = try T.desktop()  // red at 100,120 400x300, green at 700,200 300x200, both floating
        let source = try Self.source(sway)
        try T.waitFor(source.screen as! WaylandCaptureSource, T.red, x: 200, y: 200, 0xff0000)
        let red = try Self.window(sway, "red")
        for r in [Region(x: 0, y: 0, width: 400, height: 300), Region(x: 33, y: 17, width: 101, height: 55),
                  Region(x: 399, y: 299, width: 1, height: 1)] {
            let image = try source.capture(.window(red, rect: r))
            #expect(image.width == Int(r.width) && image.height == Int(r.height))
            let grim = try Self.grim(sway, Region(x: T.red.x + r.x, y: T.red.y + r.y, width: r.width, height: r.height))
            #expect(Self.compare(image, grim: grim).differing == 0, "\(r)")
        }
        #expect(T.wrong(try source.capture(.window(red, rect: Region(x: 40, y: 40, width: 360, height: 260))), 0xff0000) == 0)
    }

    @Test func aFloatingWindowOverATiledOneIsBlankedTitleBarAndBordersIncluded() throws {
        // The leased window tiles the whole 800x600 output (no borders); blue floats over
        // part of it with sway's title bar and borders.
        let sway = try SwayServer(width: 800, height: 600, rules: ["for_window [app_id=\"blue\"] floating enable, border normal 2"])
        try Self.foot(sway, "red", "ff0000")
        try Self.foot(sway, "blue", "0000ff")
        try sway.message(["[app_id=blue] resize set 400 300, move absolute position 300 200"])
        let source = try Self.source(sway)
        let screen = source.screen as! WaylandCaptureSource
        try T.waitFor(screen, Region(x: 0, y: 0, width: 800, height: 600), x: 500, y: 400, 0x0000ff)
        try T.waitFor(screen, Region(x: 0, y: 0, width: 800, height: 600), x: 100, y: 100, 0xff0000)
        let red = try Self.window(sway, "red")
        let whole = Region(x: 0, y: 0, width: 800, height: 600)
        let image = try source.capture(.window(red, rect: whole))
        let grim = try Self.grim(sway, whole)
        // Blue's container, title bar included: its outer corner at 300,200, 400x300.
        let cover = Region(x: 300, y: 200, width: 400, height: 300)
        let seen = Self.compare(image, grim: grim, blank: cover)
        #expect(seen.differing == 0 && seen.notBlank == 0 && seen.blanked == 400 * 300)
        // grim shows blue and its title bar there; the capture shows none of it.
        #expect(grim[400][500] == 0x0000ff && grim[205][310] != 0x0000ff && grim[205][310] != 0xff0000)
        #expect(Self.count(image, 0x0000ff) == 0)
        // A part of the window blue does not reach equals grim's with nothing blanked.
        let part = Region(x: 10, y: 10, width: 280, height: 500)
        #expect(Self.compare(try source.capture(.window(red, rect: part)), grim: try Self.grim(sway, part)).differing == 0)
    }

    @Test func theWindowRaisedLastIsOnTop() throws {
        let sway = try T.desktop()
        // green over red's lower right corner, raised above it by focusing it (which of
        // the two mapped first is a race).
        try T.place(sway, "green", Region(x: 300, y: 200, width: 300, height: 200))
        try sway.message(["[app_id=green] focus"])
        let source = try Self.source(sway)
        try T.waitFor(source.screen as! WaylandCaptureSource, Region(x: 0, y: 0, width: 800, height: 600), x: 450, y: 350, 0x00c000)
        let red = try Self.window(sway, "red"), green = try Self.window(sway, "green")
        var image = try source.capture(.window(red, rect: Region(x: 0, y: 0, width: 400, height: 300)))
        var seen = Self.compare(image, grim: try Self.grim(sway, T.red), blank: Region(x: 200, y: 80, width: 200, height: 200))
        #expect(seen.differing == 0 && seen.notBlank == 0 && seen.blanked == 200 * 200)
        #expect(Self.count(image, 0x00c000) == 0)
        #expect(Self.compare(try source.capture(.window(green, rect: Region(x: 0, y: 0, width: 300, height: 200))),
                             grim: try Self.grim(sway, Region(x: 300, y: 200, width: 300, height: 200))).differing == 0)
        // Focusing red raises it: now green's corner under red is blank, red whole.
        try sway.message(["[app_id=red] focus"])
        try T.waitFor(source.screen as! WaylandCaptureSource, Region(x: 0, y: 0, width: 800, height: 600), x: 450, y: 350, 0xff0000)
        image = try source.capture(.window(red, rect: Region(x: 0, y: 0, width: 400, height: 300)))
        #expect(Self.compare(image, grim: try Self.grim(sway, T.red)).differing == 0)
        image = try source.capture(.window(green, rect: Region(x: 0, y: 0, width: 300, height: 200)))
        seen = Self.compare(image, grim: try Self.grim(sway, Region(x: 300, y: 200, width: 300, height: 200)),
                            blank: Region(x: 0, y: 0, width: 200, height: 200))
        #expect(seen.differing == 0 && seen.notBlank == 0 && seen.blanked == 200 * 200)
        #expect(Self.count(image, 0xff0000) == 0)
    }

    @Test func aWindowNotShownIsUnavailableAndARectangleOutsideItIsRefused() throws {
        let sway = try T.desktop()
        let source = try Self.source(sway)
        let red = try Self.window(sway, "red"), green = try Self.window(sway, "green")
        let inside = Region(x: 0, y: 0, width: 400, height: 300)
        for r in [Region(x: 0, y: 0, width: 401, height: 300), Region(x: -1, y: 0, width: 10, height: 10),
                  Region(x: 390, y: 299, width: 10, height: 2), Region(x: 5, y: 5, width: 0, height: 5)] {
            #expect(throws: CaptureError.outsideWindow(red, r, window: inside)) { try source.capture(.window(red, rect: r)) }
            #expect(throws: CaptureError.outsideWindow(red, r, window: inside)) { try source.watch(.window(red, rect: r)) }
        }
        let one = Region(x: 0, y: 0, width: 10, height: 10)
        try sway.message(["[app_id=red] move container to workspace 2"])
        #expect(throws: CaptureError.windowUnavailable(red)) { try source.capture(.window(red, rect: one)) }
        #expect(throws: CaptureError.windowUnavailable(red)) { try source.watch(.window(red, rect: one)) }
        try sway.message(["[app_id=green] move scratchpad"])
        #expect(throws: CaptureError.windowUnavailable(green)) { try source.capture(.window(green, rect: one)) }
        // Shown again (workspace 2 on the output), red is captured again.
        try sway.message(["workspace 2"])
        #expect(try source.capture(.window(red, rect: one)).width == 10)
        try sway.message(["[app_id=red] kill"])
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, (try? source.capture(.window(red, rect: one))) != nil { usleep(20_000) }
        #expect(throws: CaptureError.windowUnavailable(red)) { try source.capture(.window(red, rect: one)) }
    }

    @Test func aWindowSettlesOnTheScreensDamageOverItsRectangle() throws {
        let sway = try SwayServer(rules: [T.rule("painter"), T.rule("green")])
        let paint = try T.Painter(sway)
        try T.place(sway, "painter", T.red)
        try Self.foot(sway, "green", "00c000")
        try T.place(sway, "green", T.green)
        let source = try Self.source(sway)
        try T.waitFor(source.screen as! WaylandCaptureSource, T.red, x: 200, y: 200, 0xff0000)
        try T.waitFor(source.screen as! WaylandCaptureSource, T.green, x: 200, y: 100, 0x00c000)
        let painter = CaptureTarget.window(try Self.window(sway, "painter"), rect: Region(x: 0, y: 0, width: 400, height: 300))
        let green = CaptureTarget.window(try Self.window(sway, "green"), rect: Region(x: 0, y: 0, width: 300, height: 200))
        try source.watch(painter)
        let quiet = source.waitUntilSettled(painter, settle: Settle(rule: SettleRule(quiet: .milliseconds(200), maximum: .seconds(5)),
                                                                    started: T.monotonic(), lastAction: nil), clock: T.monotonic)
        #expect(quiet.settled)
        #expect(try source.capture(painter).rgb(x: 60, y: 15) == 0xff0000)
        let greenBefore = source.lastChange(in: green)
        let action = T.monotonic()
        paint.paint()
        let (settled, waited) = source.waitUntilSettled(painter, settle: Settle(rule: SettleRule(quiet: .milliseconds(100), maximum: .seconds(5)),
                                                                                started: action, lastAction: action), clock: T.monotonic)
        #expect(settled, "no damage over the window after its client repainted (waited \(waited))")
        #expect(try #require(source.lastChange(in: painter)) > action)
        #expect(waited >= .milliseconds(100))
        let image = try source.capture(painter)
        let cell = image.rgb(x: 60, y: 15)
        #expect(cell != 0xff0000 && cell == image.rgb(x: 130, y: 25), "0x\(String(cell, radix: 16))")
        // The other window saw no change.
        #expect(source.lastChange(in: green) == greenBefore)
    }
}
