import CX11
import Foundation
import CXtst
import Glibc
import InputMuxCore
import struct InputMuxCore.Region
import InputMuxHarness
import InputMuxImage
import InputMuxSight
@testable import InputMuxX11
import Testing

/// The capture source against a real X server (Xvfb) with real X clients' windows.
@Suite(.serialized) struct X11CaptureSourceTests {
    /// CLOCK_MONOTONIC, the clock the test X client stamps its repaints with.
    static func monotonic() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    static func region(_ w: RecordingClient.Window) -> Region {
        Region(x: Int32(w.x), y: Int32(w.y), width: Int32(w.w), height: Int32(w.h))
    }

    /// Pixels of `image` that are not `colour`.
    static func wrong(_ image: PixelImage, _ colour: UInt32, columns: Range<Int>? = nil) -> Int {
        var n = 0
        for y in 0..<image.height { for x in columns ?? 0..<image.width where image.rgb(x: x, y: y) != colour { n += 1 } }
        return n
    }

    @Test func sharedMemoryShowsWhatGetImageShowsPixelForPixelAndRefusesOffScreen() throws {
        let x = try XvfbServer(width: 640, height: 480)
        // Windows at the corners and one hanging off the right edge, over Xvfb's patterned root.
        let c = try RecordingClient(display: x.display, ["a:0,0,50x40#d01020", "b:600,440,40x40#2040f0", "c:620,100,100x50#20c040"])
        defer { withExtendedLifetime(c) {} }
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        #expect(source.usesSharedMemory)
        let screen = Region(x: 0, y: 0, width: 640, height: 480)
        #expect(source.bounds == screen)
        for r in [screen, Region(x: 0, y: 0, width: 1, height: 1), Region(x: 639, y: 479, width: 1, height: 1),
                  Region(x: 600, y: 0, width: 40, height: 480), Region(x: 3, y: 5, width: 77, height: 33),
                  Region(x: 0, y: 470, width: 640, height: 10)] {
            let shm = try source.capture(.screen(r))
            let socket = try source.connection.capture(r)
            #expect(shm.width == Int(r.width) && shm.height == Int(r.height) && shm.format == .xrgb8888)
            #expect(shm == socket, "MIT-SHM and XGetImage differ in \(r)")
        }
        #expect(try source.capture(.screen(Region(x: 0, y: 0, width: 50, height: 40))).rgb(x: 49, y: 39) == 0xd01020)
        #expect(try source.capture(.screen(Region(x: 639, y: 479, width: 1, height: 1))).rgb(x: 0, y: 0) == 0x2040f0)
        for r in [Region(x: 600, y: 400, width: 100, height: 100), Region(x: -1, y: 0, width: 10, height: 10),
                  Region(x: 10, y: 10, width: 0, height: 10), Region(x: 0, y: 0, width: 641, height: 480)] {
            #expect(throws: CaptureError.outsideScreen(r, screen: screen)) { try source.capture(.screen(r)) }
        }
    }

    @Test func aWindowHalfCoveredShowsItsOwnColourWhileTheScreenShowsTheCover() throws {
        let x = try XvfbServer(width: 640, height: 480)
        // "over" maps after "under", so it lies on its right half.
        let c = try RecordingClient(display: x.display, ["under:100,100,200x100#d01020", "over:200,100,200x100#2040f0",
                                                             "edge:560,300,200x50#20c040"])
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        let under = try #require(c.windows["under"])
        let id = WindowID(under.id)
        let own = try source.capture(.window(id, rect: Region(x: 0, y: 0, width: 200, height: 100)))
        #expect(own.width == 200 && own.height == 100)
        #expect(Self.wrong(own, 0xd01020) == 0, "first pixel 0x\(String(own.rgb(x: 199, y: 99), radix: 16))")
        let part = try source.capture(.window(id, rect: Region(x: 150, y: 10, width: 40, height: 20)))
        #expect(part.width == 40 && Self.wrong(part, 0xd01020) == 0)
        let seen = try source.capture(.screen(Self.region(under)))
        #expect(Self.wrong(seen, 0xd01020, columns: 0..<100) == 0)
        #expect(Self.wrong(seen, 0x2040f0, columns: 100..<200) == 0)
        // Redirected, the window is still drawn on the screen as before.
        #expect(source.watchedWindows == [id])
        // A window partly off the screen shows whole: it is read from its pixmap.
        let edge = try #require(c.windows["edge"])
        let whole = try source.capture(.window(WindowID(edge.id), rect: Region(x: 0, y: 0, width: 200, height: 50)))
        #expect(Self.wrong(whole, 0x20c040) == 0)

        let outside = Region(x: 150, y: 0, width: 51, height: 10)
        #expect(throws: CaptureError.outsideWindow(id, outside, window: Region(x: 0, y: 0, width: 200, height: 100))) {
            try source.capture(.window(id, rect: outside))
        }
        #expect(source.watchedWindows == [id, WindowID(edge.id)])
        source.forget(window: id)
        #expect(source.watchedWindows == [WindowID(edge.id)])
        // Unmapped (by another client here, as a window manager iconifies it).
        let over = WindowID(try #require(c.windows["over"]).id)
        let unmapper = try X11Display(display: x.display, xauthority: nil)
        XUnmapWindow(unmapper.display, UInt(over.rawValue))
        unmapper.sync()
        #expect(throws: CaptureError.windowUnavailable(over)) {
            try source.capture(.window(over, rect: Region(x: 0, y: 0, width: 10, height: 10)))
        }
        try c.command("close under")
        #expect(throws: CaptureError.windowUnavailable(id)) {
            try source.capture(.window(id, rect: Region(x: 0, y: 0, width: 10, height: 10)))
        }
    }

    @Test func aWindowLargerThanTheScreenGrowsTheSegmentAndMatchesTheSocketPath() throws {
        let x = try XvfbServer(width: 320, height: 240)
        // Larger than the screen, and hanging off it on every side.
        let c = try RecordingClient(display: x.display, ["big:-10,-20,500x400#123456", "small:30,30,20x20#654321"])
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        let socket = try X11CaptureSource(display: x.display, xauthority: nil, sharedMemory: false)
        #expect(source.usesSharedMemory && !socket.usesSharedMemory)
        let big = WindowID(try #require(c.windows["big"]).id)
        let whole = Region(x: 0, y: 0, width: 500, height: 400)
        let viaShm = try source.capture(.window(big, rect: whole))
        let viaSocket = try socket.capture(.window(big, rect: whole))
        #expect(viaShm.width == 500 && viaShm.height == 400)
        #expect(Self.wrong(viaShm, 0x123456) == 0)
        #expect(viaShm == viaSocket)
        #expect((source.sharedMemory?.capacity ?? 0) >= 500 * 400 * 4, "the segment did not grow: the capture came over the socket")
        // The grown segment still serves the screen.
        let screen = Region(x: 0, y: 0, width: 320, height: 240)
        #expect(try source.capture(.screen(screen)) == socket.capture(.screen(screen)))
        #expect(try source.capture(.screen(Region(x: 35, y: 35, width: 1, height: 1))).rgb(x: 0, y: 0) == 0x654321)
    }

    @Test func theSegmentIsMarkedForRemovalOnceAttachedAndGoesWithTheSource() throws {
        let x = try XvfbServer(width: 320, height: 240)
        var source: X11CaptureSource? = try X11CaptureSource(display: x.display, xauthority: nil)
        let id = try #require(source?.sharedMemory?.segmentID)
        var ds = shmid_ds()
        #expect(shmctl(id, IPC_STAT, &ds) == 0)
        #expect(ds.shm_perm.mode & 0o1000 != 0, "the segment is not marked for removal (SHM_DEST)")
        #expect(ds.shm_nattch == 2, "attached \(ds.shm_nattch) times: this process and the server")
        _ = try source?.capture(.screen(Region(x: 0, y: 0, width: 320, height: 240)))
        source = nil
        #expect(shmctl(id, IPC_STAT, &ds) == -1, "the segment outlived the source")
    }

    @Test func damageAdvancesWhereAClientDrawsAndNowhereElse() throws {
        let x = try XvfbServer(width: 640, height: 480)
        let c = try RecordingClient(display: x.display, ["app:100,100,300x200#ffffff", "child:50,50,100x60@app#00ff00"])
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        var clock = Instant(nanoseconds: 1_000_000_000)
        func step() -> Instant {
            clock = clock + .milliseconds(10)
            source.connection.sync()  // every damage report sent so far is in
            source.service(now: clock)
            return clock
        }
        // A new damage object reports its whole drawable once: read here, at `start`.
        let start = step()
        let far = CaptureTarget.screen(Region(x: 500, y: 400, width: 100, height: 60))
        #expect(source.lastChange(in: far) == start)

        try c.command("fill app 10 10 20 20 ff0000")
        let t1 = step()
        #expect(source.lastChange(in: .screen(Region(x: 110, y: 110, width: 20, height: 20))) == t1)
        #expect(source.lastChange(in: far) == start)
        #expect(source.lastChange(in: .screen(Region(x: 300, y: 250, width: 20, height: 20))) == start)
        #expect(source.lastChange(in: far) == start)

        // A child window's drawing shows on the root's damage too.
        try c.command("fill child 5 5 10 10 0000ff")
        let t2 = step()
        #expect(source.lastChange(in: .screen(Region(x: 155, y: 155, width: 10, height: 10))) == t2)
        #expect(source.lastChange(in: .screen(Region(x: 110, y: 110, width: 20, height: 20))) == t1)
        #expect(source.lastChange(in: far) == start)

        // A watched window's own damage, in its coordinates.
        let app = try #require(c.windows["app"])
        try source.watch(.window(WindowID(app.id), rect: Region(x: 0, y: 0, width: 300, height: 200)))
        _ = step()
        // Its damage object's first report (the whole window) is no change.
        #expect(source.lastChange(in: .window(WindowID(app.id), rect: Region(x: 0, y: 0, width: 300, height: 200))) == nil)
        try c.command("fill app 250 150 20 20 ff00ff")
        let t3 = step()
        #expect(source.lastChange(in: .window(WindowID(app.id), rect: Region(x: 250, y: 150, width: 5, height: 5))) == t3)
        #expect((source.lastChange(in: .window(WindowID(app.id), rect: Region(x: 0, y: 0, width: 20, height: 20))) ?? start) < t3)
        #expect(source.lastChange(in: .screen(Region(x: 350, y: 250, width: 20, height: 20))) == t3)
        #expect(source.lastChange(in: far) == start)
    }

    @Test func reportsACaptureReadOffTheSocketAreAnnouncedThoughTheDescriptorIsQuiet() throws {
        let x = try XvfbServer(width: 640, height: 480)
        let c = try RecordingClient(display: x.display, ["app:100,100,300x200#ffffff"])
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        source.connection.sync()
        source.service(now: Instant(nanoseconds: 1))
        #expect(!source.hasUnreadReports)
        try c.command("fill app 10 10 20 20 ff0000")
        // The capture's round trips read the report off the socket into Xlib's queue.
        _ = try source.capture(.screen(Region(x: 0, y: 0, width: 10, height: 10)))
        var pfd = pollfd(fd: source.fileDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 0) == 0, "the descriptor is readable: this test shows nothing")
        #expect(source.hasUnreadReports)
        source.service(now: Instant(nanoseconds: 2))
        #expect(!source.hasUnreadReports)
        #expect(source.lastChange(in: .screen(Region(x: 110, y: 110, width: 5, height: 5))) == Instant(nanoseconds: 2))
    }

    /// Clicks at (x, y) through XTest on its own connection.
    static func click(_ d: X11Display, x: Int32, y: Int32) {
        XTestFakeMotionEvent(d.display, -1, x, y, 0)
        XTestFakeButtonEvent(d.display, 1, 1, 0)
        XTestFakeButtonEvent(d.display, 1, 0, 0)
        d.sync()
    }

    @Test func settlingWaitsForALateRepaintAndReturnsSoonAfterIt() throws {
        let x = try XvfbServer(width: 640, height: 480)
        let c = try RecordingClient(display: x.display, ["late:100,100,200x100#ffffff!300#ff0000"])
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        let injector = try X11Display(display: x.display, xauthority: nil)
        let late = try #require(c.windows["late"])
        let target = CaptureTarget.screen(Self.region(late))
        // The pointer is put there first: only the click is the action.
        XTestFakeMotionEvent(injector.display, -1, 150, 150, 0)
        injector.sync()
        let rule = SettleRule(quiet: .milliseconds(100), maximum: .seconds(2))
        // The screen, then the window's own contents: its damage is first watched after
        // the click, and the new damage object's first report must not pass for the change.
        for (round, t) in [target, .window(WindowID(late.id), rect: Region(x: 0, y: 0, width: 200, height: 100))].enumerated() {
            try c.command("fill late 0 0 200 100 ffffff")
            source.connection.sync()
            source.service(now: Self.monotonic())
            Self.click(injector, x: 150, y: 150)
            let t0 = Self.monotonic()
            let (settled, waited) = source.awaitSettled(t, settle: Settle(rule: rule, started: t0, lastAction: t0), clock: Self.monotonic)
            let end = Self.monotonic()
            let shot = try source.capture(t)
            var count = 0  // this round's repaint is the (round + 1)th
            let repainted = try #require(try c.waitFor(timeout: 5) { e in
                if e["ev"] as? String == "repainted" { count += 1 }
                return e["ev"] as? String == "repainted" && count == round + 1
            })
            let at = Instant(nanoseconds: (repainted["t"] as! NSNumber).int64Value)
            #expect(settled)
            #expect(Self.wrong(shot, 0xff0000) == 0, "round \(round): the capture shows the state before the repaint")
            #expect(end >= at, "round \(round): returned \(at - end) before the repaint")
            #expect(end - at <= .milliseconds(150), "round \(round): returned \(end - at) after the repaint")
            #expect(waited >= .milliseconds(300))
            print("settle \(t): repaint \(at - t0) after the click, returned \(end - at) after it (quiet \(rule.quiet))")
        }

        // Nothing changes after this "action": the maximum runs out, unsettled.
        let short = SettleRule(quiet: .milliseconds(100), maximum: .milliseconds(500))
        let t1 = Self.monotonic()
        let (settled2, waited2) = source.awaitSettled(target, settle: Settle(rule: short, started: t1, lastAction: t1), clock: Self.monotonic)
        #expect(!settled2)
        #expect(waited2 >= .milliseconds(500) && waited2 < .milliseconds(700), "waited \(waited2)")

        // No action and a quiet area: captured at once.
        let t2 = Self.monotonic()
        let (settled3, waited3) = source.awaitSettled(target, settle: Settle(rule: rule, started: t2, lastAction: nil), clock: Self.monotonic)
        #expect(settled3)
        #expect(waited3 < .milliseconds(50), "waited \(waited3)")
    }

    @Test func theCursorHasAnImageAndAHotSpotInsideIt() throws {
        let x = try XvfbServer(width: 640, height: 480)
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        let cursor = try #require(source.cursorImage())
        #expect(cursor.image.width > 0 && cursor.image.height > 0)
        #expect((0..<cursor.image.width).contains(cursor.hotX) && (0..<cursor.image.height).contains(cursor.hotY))
        // Some pixel is drawn, some is transparent, and premultiplied colour never exceeds alpha.
        let bytes = cursor.image.bytes
        let alphas = stride(from: 3, to: bytes.count, by: 4).map { bytes[$0] }
        #expect(alphas.contains { $0 > 0 } && alphas.contains(0))
        #expect(stride(from: 0, to: bytes.count, by: 4).allSatisfy { i in (0..<3).allSatisfy { bytes[i + $0] <= bytes[i + 3] } })
    }

    @Test func aFullHDScreenThroughSharedMemoryAgainstGetImage() throws {
        let x = try XvfbServer(width: 1920, height: 1080)
        let source = try X11CaptureSource(display: x.display, xauthority: nil)
        #expect(source.usesSharedMemory)
        let screen = Region(x: 0, y: 0, width: 1920, height: 1080)
        let rounds = 20
        func time(_ body: () throws -> PixelImage) rethrows -> (Duration, PixelImage) {
            var last = try body()
            let clock = ContinuousClock()
            let spent = try clock.measure { for _ in 0..<rounds { last = try body() } }
            return (spent / rounds, last)
        }
        let (shmTime, shm) = try time { try source.capture(.screen(screen)) }
        let (socketTime, socket) = try time { try source.connection.capture(screen) }
        #expect(shm == socket)
        print("1920x1080 capture: MIT-SHM \(shmTime), XGetImage \(socketTime) (mean of \(rounds))")
    }
}
