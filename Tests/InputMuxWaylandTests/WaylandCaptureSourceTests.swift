import Glibc
import InputMuxCore
import struct InputMuxCore.Region
import InputMuxHarness
import InputMuxImage
import InputMuxSight
@testable import InputMuxWayland
import Testing

/// The wlr-screencopy capture source against a real headless sway (pixman renderer)
/// with real Wayland clients (foot), and grim as the reference.
@Suite(.serialized) struct WaylandCaptureSourceTests {
    static func monotonic() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// Windows of `app_id` float (sway would tile them otherwise).
    static func rule(_ appID: String) -> String { "for_window [app_id=\"\(appID)\"] floating enable" }

    /// Puts the window of `appID` at `r`. A position in a `for_window` rule does not
    /// hold: sway centres the window again at its first commit.
    static func place(_ sway: SwayServer, _ appID: String, _ r: Region) throws {
        try sway.waitForWindow(appID)
        try sway.message(["[app_id=\(appID)] floating enable, resize set \(r.width) \(r.height), move position \(r.x) \(r.y)"])
    }

    /// A red foot window, `painter`, that paints two rows of blue cells when told to
    /// (`paint`, through a FIFO): a repaint at a moment the test picks.
    struct Painter {
        let fifo: String

        init(_ sway: SwayServer) throws {
            fifo = sway.runtime + "/paint"
            #expect(mkfifo(fifo, 0o600) == 0)
            #expect(chown(fifo, sway.uid, sway.uid) == 0)
            try sway.client("foot", ["-a", "painter", "-o", "colors.background=ff0000", "-o", "colors.foreground=ff0000",
                                     "sh", "-c", "read x < \(fifo); printf '\\033[2J\\033[H\\033[44m%s\\n%s' '                    ' '                    '; sleep 600"])
        }

        func paint() {
            let writer = open(fifo, O_WRONLY)
            #expect(writer >= 0)
            _ = write(writer, "go\n", 3)
            close(writer)
        }
    }

    /// Pixels of `image` (in `area`, image coordinates) that are not `colour`.
    static func wrong(_ image: PixelImage, _ colour: UInt32, in area: Region? = nil) -> Int {
        let a = area ?? Region(x: 0, y: 0, width: Int32(image.width), height: Int32(image.height))
        var n = 0
        for y in Int(a.y)..<Int(a.y + a.height) { for x in Int(a.x)..<Int(a.x + a.width) where image.rgb(x: x, y: y) != colour { n += 1 } }
        return n
    }

    /// Waits until the capture of `rect` shows `colour` at image pixel (x, y): the
    /// client has drawn.
    static func waitFor(_ source: WaylandCaptureSource, _ rect: Region, x: Int, y: Int, _ colour: UInt32) throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if try source.capture(.screen(rect)).rgb(x: x, y: y) == colour { return }
            usleep(50_000)
        }
        Issue.record("0x\(String(colour, radix: 16)) never appeared at \(x),\(y) of \(rect)")
    }

    static let red = Region(x: 100, y: 120, width: 400, height: 300)
    static let green = Region(x: 700, y: 200, width: 300, height: 200)

    /// sway with a red and a green foot window at known places.
    static func desktop() throws -> SwayServer {
        let sway = try SwayServer(rules: [rule("red"), rule("green")])
        try sway.client("foot", ["-a", "red", "-o", "colors.background=ff0000", "-o", "colors.foreground=ff0000", "sleep", "600"])
        try sway.client("foot", ["-a", "green", "-o", "colors.background=00c000", "-o", "colors.foreground=00c000", "sleep", "600"])
        try place(sway, "red", red)
        try place(sway, "green", green)
        return sway
    }

    @Test func aRectangleHasItsSizeAndEachWindowsColourPixelByPixel() throws {
        let sway = try Self.desktop()
        let source = try WaylandCaptureSource(socket: sway.socket)
        #expect(source.bounds == Region(x: 0, y: 0, width: 1920, height: 1080))
        let area = Region(x: 50, y: 100, width: 1000, height: 400)
        try Self.waitFor(source, area, x: 700, y: 150, 0x00c000)
        try Self.waitFor(source, area, x: 100, y: 50, 0xff0000)
        let image = try source.capture(.screen(area))
        #expect(image.width == 1000 && image.height == 400 && image.format == .xrgb8888)
        // Inside each window (foot's text cursor sits at its top-left: left out), its colour;
        // the rest, sway's background.
        #expect(Self.wrong(image, 0xff0000, in: Region(x: 50 + 40, y: 20 + 40, width: 400 - 40, height: 300 - 40)) == 0)
        #expect(Self.wrong(image, 0x00c000, in: Region(x: 650 + 40, y: 100 + 40, width: 300 - 40, height: 200 - 40)) == 0)
        #expect(Self.wrong(image, 0x203040, in: Region(x: 0, y: 0, width: 50, height: 400)) == 0)
        #expect(Self.wrong(image, 0x203040, in: Region(x: 450, y: 0, width: 200, height: 400)) == 0)
        #expect(Self.wrong(image, 0x203040, in: Region(x: 0, y: 320, width: 650, height: 80)) == 0)
        // A one-pixel rectangle, and the screen's far corner.
        #expect(try source.capture(.screen(Region(x: 499, y: 419, width: 1, height: 1))).rgb(x: 0, y: 0) == 0xff0000)
        #expect(try source.capture(.screen(Region(x: 500, y: 419, width: 1, height: 1))).rgb(x: 0, y: 0) == 0x203040)
        #expect(try source.capture(.screen(Region(x: 1919, y: 1079, width: 1, height: 1))).rgb(x: 0, y: 0) == 0x203040)
    }

    @Test func aCaptureEqualsGrimsPNGOfTheSameRectangleByteForByte() throws {
        let sway = try Self.desktop()
        let source = try WaylandCaptureSource(socket: sway.socket)
        try Self.waitFor(source, Self.green, x: 100, y: 100, 0x00c000)
        guard let grim = HarnessFiles.which("grim") else { throw HarnessError("grim is missing: run bash scripts/deps.sh") }
        for r in [Region(x: 50, y: 100, width: 1000, height: 400), Region(x: 0, y: 0, width: 1920, height: 1080),
                  Region(x: 333, y: 77, width: 251, height: 199)] {
            let png = sway.directory + "/grim.png"
            let (end, lines) = try ChildProcess.run(grim, ["-g", "\(r.x),\(r.y) \(r.width)x\(r.height)", png],
                                                    environment: ["WAYLAND_DISPLAY": sway.socket, "XDG_RUNTIME_DIR": sway.runtime])
            #expect(end.isSuccess, "grim: \(lines)")
            let decoded = try PNGCodec.decode(readAll(png))
            let ours = try source.capture(.screen(r))
            #expect(decoded.width == ours.width && decoded.height == ours.height)
            var differing = 0
            for y in 0..<ours.height {
                for x in 0..<ours.width {
                    let i = (y * decoded.width + x) * 4
                    let theirs = UInt32(decoded.rgba[i]) << 16 | UInt32(decoded.rgba[i + 1]) << 8 | UInt32(decoded.rgba[i + 2])
                    if theirs != ours.rgb(x: x, y: y) { differing += 1 }
                }
            }
            #expect(differing == 0, "\(differing) pixels of \(r) differ from grim's")
        }
    }

    @Test func damageIsReportedAfterTheClientRepaintsAndASettleWaitsForIt() throws {
        let sway = try SwayServer(rules: [Self.rule("painter")])
        // The client paints blue cells when told through a FIFO.
        let painter = try Painter(sway)
        try Self.place(sway, "painter", Self.red)
        let source = try WaylandCaptureSource(socket: sway.socket)
        try Self.waitFor(source, Self.red, x: 200, y: 200, 0xff0000)
        // Quiet first: no change reported for a while.
        let quiet = source.waitUntilSettled(.screen(Self.red), settle: Settle(rule: SettleRule(quiet: .milliseconds(200), maximum: .seconds(5)),
                                                                             started: Self.monotonic(), lastAction: nil), clock: Self.monotonic)
        #expect(quiet.settled)
        // The cells the client will paint are red before.
        #expect(try source.capture(.screen(Self.red)).rgb(x: 60, y: 15) == 0xff0000)
        let far = Region(x: 1200, y: 600, width: 300, height: 300)
        let farBefore = source.lastChange(in: .screen(far))
        let action = Self.monotonic()
        painter.paint()
        let rule = SettleRule(quiet: .milliseconds(100), maximum: .seconds(5))
        let (settled, waited) = source.waitUntilSettled(.screen(Self.red), settle: Settle(rule: rule, started: action, lastAction: action),
                                                        clock: Self.monotonic)
        #expect(settled, "no damage after the client repainted (waited \(waited))")
        let changed = try #require(source.lastChange(in: .screen(Self.red)))
        #expect(changed > action)
        #expect(waited >= .milliseconds(100))
        // What settled shows the repaint: blue cells at the window's top-left.
        let image = try source.capture(.screen(Self.red))
        let cell = image.rgb(x: 60, y: 15)
        #expect(cell != 0xff0000 && cell == image.rgb(x: 130, y: 25), "0x\(String(cell, radix: 16))")
        // Damage elsewhere on the output was not reported for this repaint.
        #expect(source.lastChange(in: .screen(far)) == farBefore)
    }

    @Test func refusalsAndTheCompositorGoing() throws {
        let sway = try SwayServer(width: 800, height: 600)
        let source = try WaylandCaptureSource(socket: sway.socket)
        let screen = Region(x: 0, y: 0, width: 800, height: 600)
        for r in [Region(x: 700, y: 500, width: 200, height: 50), Region(x: -1, y: 0, width: 10, height: 10),
                  Region(x: 10, y: 10, width: 0, height: 10), Region(x: 0, y: 0, width: 801, height: 600)] {
            #expect(throws: CaptureError.outsideScreen(r, screen: screen)) { try source.capture(.screen(r)) }
        }
        let window = CaptureTarget.window(WindowID(7), rect: Region(x: 0, y: 0, width: 10, height: 10))
        #expect(throws: CaptureError.windowContentsUnsupported(WindowID(7), source: "wlr-screencopy")) { try source.capture(window) }
        #expect(throws: CaptureError.windowContentsUnsupported(WindowID(7), source: "wlr-screencopy")) { try source.watch(window) }
        #expect(source.lastChange(in: window) == nil)
        #expect(try source.capture(.screen(screen)).width == 800)
        // The compositor goes: the next capture fails with what to do, and the source's
        // descriptor is withdrawn so a poll does not spin on the dead socket.
        sway.stop()
        usleep(200_000)
        source.service(now: Self.monotonic())
        do {
            _ = try source.capture(.screen(Region(x: 0, y: 0, width: 10, height: 10)))
            Issue.record("a capture after the compositor went succeeded")
        } catch {
            guard case .failed(let why) = error else { Issue.record("\(error)"); return }
            #expect(why.contains("connection is lost"), "\(why)")
        }
        #expect(source.fileDescriptor == -1)
        // And a new source finds nobody there.
        #expect(throws: WaylandError.self) { try WaylandCaptureSource(socket: sway.socket, timeout: .seconds(1)) }
    }

    @Test func aCompositorThatDoesNotAnswerFailsTheCaptureInTimeAndTheNextCaptureWorks() throws {
        let sway = try SwayServer(width: 800, height: 600)
        let source = try WaylandCaptureSource(socket: sway.socket, timeout: .milliseconds(500))
        let r = Region(x: 10, y: 10, width: 100, height: 100)
        #expect(try source.capture(.screen(r)).rgb(x: 0, y: 0) == 0x203040)
        sway.signal(SIGSTOP)
        let start = ContinuousClock.now
        do {
            _ = try source.capture(.screen(r))
            Issue.record("a capture from a stopped compositor succeeded")
        } catch {
            guard case .failed(let why) = error else { Issue.record("\(error)"); return }
            #expect(why.contains("did not answer in time"), "\(why)")
        }
        let took = ContinuousClock.now - start
        #expect(took >= .milliseconds(500) && took < .seconds(3), "\(took)")
        sway.signal(SIGCONT)
        // The late answers to the abandoned frame are dropped; the connection goes on.
        #expect(try source.capture(.screen(r)).rgb(x: 99, y: 99) == 0x203040)
        #expect(source.fileDescriptor >= 0)
    }

    @Test func anOutputAddedJoinsTheDesktopAndARectangleAcrossTwoOutputsIsOneImage() throws {
        let sway = try SwayServer(width: 640, height: 480, background: "#203040")
        let source = try WaylandCaptureSource(socket: sway.socket)
        #expect(source.bounds == Region(x: 0, y: 0, width: 640, height: 480))
        // An output added while the source is open joins the desktop.
        try sway.message(["create_output"])
        try sway.message(["output", "HEADLESS-2", "mode", "320x240", "position", "640", "0", "bg", "#a0b0c0", "solid_color"])
        let deadline = ContinuousClock.now + .seconds(5)
        while source.bounds.width != 960, ContinuousClock.now < deadline {
            usleep(20_000)
            source.service(now: Self.monotonic())
        }
        #expect(source.bounds == Region(x: 0, y: 0, width: 960, height: 480))
        usleep(200_000)
        let across = Region(x: 600, y: 10, width: 100, height: 50)
        let image = try source.capture(.screen(across))
        #expect(Self.wrong(image, 0x203040, in: Region(x: 0, y: 0, width: 40, height: 50)) == 0)
        #expect(Self.wrong(image, 0xa0b0c0, in: Region(x: 40, y: 0, width: 60, height: 50)) == 0)
        // Below the smaller output there is no screen.
        let gap = Region(x: 700, y: 300, width: 10, height: 10)
        #expect(throws: CaptureError.outsideScreen(gap, screen: source.bounds)) { try source.capture(.screen(gap)) }
    }
}

/// The bytes of the file at `path`.
func readAll(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw HarnessError("cannot open \(path)") }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = read(fd, &chunk, chunk.count)
        if n <= 0 { break }
        out += chunk[0..<n]
    }
    return out
}
