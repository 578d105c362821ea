import InputMuxCore
import InputMuxImage
import InputMuxSight
import Testing

/// A window shown as the screen shows it, over a screen whose every pixel names its own
/// position: where the window lies, covered parts zero, refusals as the X11 source's,
/// settling from the screen's damage.
@Suite struct ScreenWindowSourceTests {
    /// A 200x100 screen at (-50,-20) (a desktop need not start at 0,0) whose pixel at
    /// desktop (x, y) is 0xXXYY01, with damage recorded by hand.
    final class PatternScreen: CaptureSource {
        let bounds = Region(x: -50, y: -20, width: 200, height: 100)
        var history = DamageHistory()
        var captured: [Region] = []
        let fileDescriptor: Int32 = -1
        var hasUnreadReports: Bool { false }
        func service(now: Instant) {}
        func watch(_ target: CaptureTarget) throws(CaptureError) {}
        func lastChange(in target: CaptureTarget) -> Instant? {
            guard case .screen(let r) = target else { return nil }
            return history.lastChange(in: r)
        }
        func cursorImage() -> CursorImage? { nil }
        static func pixel(_ x: Int32, _ y: Int32) -> UInt32 { UInt32(UInt8(truncatingIfNeeded: x)) << 16 | UInt32(UInt8(truncatingIfNeeded: y)) << 8 | 1 }
        func capture(_ target: CaptureTarget) throws(CaptureError) -> PixelImage {
            guard case .screen(let r) = target else { throw .failed("a window target reached the screen") }
            guard !r.isEmpty, bounds.contains(r) else { throw .outsideScreen(r, screen: bounds) }
            captured.append(r)
            var bytes: [UInt8] = []
            for y in r.y..<(r.y + r.height) {
                for x in r.x..<(r.x + r.width) {
                    let p = Self.pixel(x, y)
                    bytes += [UInt8(p & 0xff), UInt8(p >> 8 & 0xff), UInt8(p >> 16 & 0xff), 0]
                }
            }
            return PixelImage(width: Int(r.width), height: Int(r.height), format: .xrgb8888, bytes: bytes)
        }
    }

    /// Answers from a table; counts the questions.
    final class TableLocator: WindowLocator {
        var windows: [WindowID: WindowOnScreen] = [:]
        var asked = 0
        func locate(_ window: WindowID) throws(CaptureError) -> WindowOnScreen {
            asked += 1
            guard let w = windows[window] else { throw .windowUnavailable(window) }
            return w
        }
    }

    let w = WindowID(42)

    func source(_ window: WindowOnScreen) -> (ScreenWindowSource, PatternScreen, TableLocator) {
        let screen = PatternScreen(), locator = TableLocator()
        locator.windows[w] = window
        return (ScreenWindowSource(screen: screen, locator: locator), screen, locator)
    }

    @Test func anUncoveredWindowIsItsRectangleOfTheScreenPixelForPixel() throws {
        let (source, screen, _) = source(WindowOnScreen(frame: Region(x: 10, y: 5, width: 60, height: 40)))
        let image = try source.capture(.window(w, rect: Region(x: 3, y: 4, width: 20, height: 10)))
        #expect(image.width == 20 && image.height == 10)
        #expect(screen.captured == [Region(x: 13, y: 9, width: 20, height: 10)])
        for y in 0..<10 { for x in 0..<20 { #expect(image.rgb(x: x, y: y) == PatternScreen.pixel(Int32(13 + x), Int32(9 + y))) } }
        // A screen target passes through untouched.
        #expect(try source.capture(.screen(Region(x: -50, y: -20, width: 2, height: 2))).rgb(x: 1, y: 1) == PatternScreen.pixel(-49, -19))
    }

    @Test func everyCoveredPixelIsZeroAndEveryOtherIsTheScreens() throws {
        // Two covering surfaces: one overlapping the window's corner and reaching past it,
        // one inside it; they overlap each other.
        let frame = Region(x: 0, y: 0, width: 50, height: 30)
        let covers = [Region(x: -10, y: 20, width: 25, height: 40), Region(x: 10, y: 25, width: 30, height: 3)]
        let (source, _, _) = source(WindowOnScreen(frame: frame, covered: covers + [Region(x: 100, y: 0, width: 5, height: 5)]))
        let image = try source.capture(.window(w, rect: Region(x: 0, y: 0, width: 50, height: 30)))
        var zero = 0
        for y in 0..<30 {
            for x in 0..<50 {
                let covered = covers.contains { $0.contains(Point(x: Int32(x), y: Int32(y))) }
                if covered {
                    zero += 1
                    #expect(image.bytes[y * image.stride + x * 4..<y * image.stride + x * 4 + 4].allSatisfy { $0 == 0 }, "\(x),\(y)")
                } else {
                    #expect(image.rgb(x: x, y: y) == PatternScreen.pixel(Int32(x), Int32(y)), "\(x),\(y)")
                }
            }
        }
        // 15x10 at the corner, 30x3 inside, of which 5x3 counted once.
        #expect(zero == 15 * 10 + 30 * 3 - 5 * 3)
    }

    @Test func aWindowPartlyOffTheScreenIsBlankThereAndWhollyOffIsUnavailable() throws {
        let (source, screen, locator) = source(WindowOnScreen(frame: Region(x: 140, y: 70, width: 30, height: 20)))
        let image = try source.capture(.window(w, rect: Region(x: 0, y: 0, width: 30, height: 20)))
        #expect(screen.captured == [Region(x: 140, y: 70, width: 10, height: 10)])
        #expect(image.width == 30 && image.height == 20)
        for y in 0..<20 {
            for x in 0..<30 {
                if x < 10, y < 10 { #expect(image.rgb(x: x, y: y) == PatternScreen.pixel(Int32(140 + x), Int32(70 + y))) }
                else { #expect(image.rgb(x: x, y: y) == 0, "\(x),\(y)") }
            }
        }
        locator.windows[w] = WindowOnScreen(frame: Region(x: 400, y: 0, width: 30, height: 20))
        #expect(throws: CaptureError.windowUnavailable(w)) { try source.capture(.window(w, rect: Region(x: 0, y: 0, width: 5, height: 5))) }
    }

    @Test func refusalsAreTheX11Sources() throws {
        let (source, screen, _) = source(WindowOnScreen(frame: Region(x: 10, y: 5, width: 60, height: 40)))
        let inside = Region(x: 0, y: 0, width: 60, height: 40)
        for r in [Region(x: 1, y: 0, width: 60, height: 40), Region(x: -1, y: 0, width: 5, height: 5),
                  Region(x: 0, y: 39, width: 5, height: 2), Region(x: 0, y: 0, width: 0, height: 5)] {
            #expect(throws: CaptureError.outsideWindow(w, r, window: inside)) { try source.capture(.window(w, rect: r)) }
            #expect(throws: CaptureError.outsideWindow(w, r, window: inside)) { try source.watch(.window(w, rect: r)) }
        }
        let gone = WindowID(7)
        #expect(throws: CaptureError.windowUnavailable(gone)) { try source.capture(.window(gone, rect: Region(x: 0, y: 0, width: 1, height: 1))) }
        #expect(throws: CaptureError.windowUnavailable(gone)) { try source.watch(.window(gone, rect: Region(x: 0, y: 0, width: 1, height: 1))) }
        #expect(source.lastChange(in: .window(gone, rect: Region(x: 0, y: 0, width: 1, height: 1))) == nil)
        #expect(screen.captured.isEmpty)
    }

    static func ms(_ v: Int64) -> Instant { Instant(nanoseconds: v * 1_000_000) }

    @Test func aWindowsLastChangeIsTheScreensOverItsRectangleAskedAfterRelocateAfter() throws {
        let (source, screen, locator) = source(WindowOnScreen(frame: Region(x: 10, y: 5, width: 60, height: 40)))
        #expect(source.relocateAfter == .milliseconds(100))
        let part = CaptureTarget.window(w, rect: Region(x: 0, y: 0, width: 20, height: 20))  // desktop 10,5,20x20
        source.service(now: Self.ms(1_000))
        #expect(source.lastChange(in: part) == nil)
        screen.history.record(Region(x: 40, y: 5, width: 5, height: 5), at: Instant(nanoseconds: 100))  // in the window, not the part
        screen.history.record(Region(x: 0, y: 0, width: 11, height: 6), at: Instant(nanoseconds: 200))  // touches the part's corner
        screen.history.record(Region(x: 0, y: 30, width: 5, height: 5), at: Instant(nanoseconds: 300))  // beside the window
        #expect(source.lastChange(in: part) == Instant(nanoseconds: 200))
        #expect(source.lastChange(in: .window(w, rect: Region(x: 0, y: 0, width: 60, height: 40))) == Instant(nanoseconds: 200))
        #expect(locator.asked == 1)
        // The window moves: within 100 ms of the answer the old place serves; then it
        // is asked again and followed.
        locator.windows[w] = WindowOnScreen(frame: Region(x: -10, y: 25, width: 60, height: 40))
        source.service(now: Self.ms(1_099))
        #expect(source.lastChange(in: part) == Instant(nanoseconds: 200))
        #expect(locator.asked == 1)
        source.service(now: Self.ms(1_100))
        #expect(source.lastChange(in: part) == Instant(nanoseconds: 300))
        #expect(locator.asked == 2)
        // A capture always asks anew.
        locator.windows[w] = WindowOnScreen(frame: Region(x: 0, y: 0, width: 60, height: 40))
        _ = try source.capture(part)
        #expect(screen.captured.last == Region(x: 0, y: 0, width: 20, height: 20))
        #expect(locator.asked == 3)
    }
}
