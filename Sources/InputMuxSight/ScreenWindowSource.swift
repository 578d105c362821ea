import InputMuxCore
import InputMuxImage
import struct InputMuxCore.Region

/// A capture source that shows a window as the screen shows it, for a screen-only source
/// (wlr-screencopy copies outputs, never a window's own buffer): a window target is the
/// window's rectangle of the screen, where a `WindowLocator` says the window is now, with
/// every pixel a surface above it covers blanked (zero), never shown. A screen target
/// goes to the screen source unchanged.
///
/// What the window draws under a covering surface cannot be had this way; an agent whose
/// window is covered sees a hole there, not the other window. Parts of the window off
/// every output are blank too. Whatever the locator does not know of (surfaces outside
/// the window system's tree) is shown as the screen shows it.
///
/// A window's changes are the screen's damage over its rectangle, so settling works as
/// for a region. For settling, where a window is is kept for `relocateAfter` of the
/// `service` clock (a settle wakes at every damage report, up to a frame rate; reading
/// the window system's whole tree each time would cost more than the copy); a window
/// that moved meanwhile changed the screen where it was, so the settle still waits. A
/// capture always asks anew.
///
/// Lives on one thread, like the sources it wraps. Not `Sendable`.
public final class ScreenWindowSource: CaptureSource {
    public let screen: any CaptureSource
    public let locator: any WindowLocator
    /// How long an answer serves settling.
    public let relocateAfter: Duration
    /// Answers, with the `service` instant they were had at.
    private var located: [WindowID: (at: Instant, answer: Result<WindowOnScreen, CaptureError>)] = [:]
    private var serviced = Instant(nanoseconds: 0)

    public init(screen: any CaptureSource, locator: any WindowLocator, relocateAfter: Duration = .milliseconds(100)) {
        self.screen = screen; self.locator = locator; self.relocateAfter = relocateAfter
    }

    public var bounds: Region { screen.bounds }
    public var fileDescriptor: Int32 { screen.fileDescriptor }
    public var hasUnreadReports: Bool { screen.hasUnreadReports }
    public func cursorImage() -> CursorImage? { screen.cursorImage() }

    public func service(now: Instant) {
        serviced = now
        located = located.filter { now < $0.value.at + relocateAfter }
        screen.service(now: now)
    }

    /// The window now; for settling (`fresh` false), an answer less than `relocateAfter`
    /// old serves.
    private func locate(_ id: WindowID, fresh: Bool = false) throws(CaptureError) -> WindowOnScreen {
        let answer: Result<WindowOnScreen, CaptureError>
        if !fresh, let known = located[id] {
            answer = known.answer
        } else {
            do throws(CaptureError) { answer = .success(try locator.locate(id)) } catch { answer = .failure(error) }
            located[id] = (serviced, answer)
        }
        return try answer.get()
    }

    /// The window's place and `rect` on the screen, refused as the X11 source refuses:
    /// a window not shown, a rectangle not wholly inside it.
    private func place(_ id: WindowID, _ rect: Region, fresh: Bool = false) throws(CaptureError) -> (WindowOnScreen, Region) {
        let window = try locate(id, fresh: fresh)
        guard !rect.isEmpty, window.inside.contains(rect) else { throw .outsideWindow(id, rect, window: window.inside) }
        return (window, window.onScreen(rect))
    }

    /// The screen is followed from the start; a window target is checked (it must be
    /// shown, the rectangle inside it) so a settle is refused as its capture would be.
    public func watch(_ target: CaptureTarget) throws(CaptureError) {
        switch target {
        case .screen: try screen.watch(target)
        case .window(let id, let rect): _ = try place(id, rect)
        }
    }

    /// A window's last change is the screen's over where the rectangle is now; nil when
    /// the window is not shown (its capture is refused).
    public func lastChange(in target: CaptureTarget) -> Instant? {
        switch target {
        case .screen: return screen.lastChange(in: target)
        case .window(let id, let rect):
            guard let (_, shown) = try? place(id, rect) else { return nil }
            return screen.lastChange(in: .screen(shown))
        }
    }

    public func capture(_ target: CaptureTarget) throws(CaptureError) -> PixelImage {
        guard case .window(let id, let rect) = target else { return try screen.capture(target) }
        let (window, shown) = try place(id, rect, fresh: true)
        guard let visible = shown.clipped(to: screen.bounds) else { throw .windowUnavailable(id) }
        let pixels = try screen.capture(.screen(visible))
        // Off every output: placed into a blank image the rectangle's size.
        let image = visible == shown ? pixels
            : PixelImage.composed(width: Int(shown.width), height: Int(shown.height), format: pixels.format,
                                  parts: [(pixels, Int(visible.x - shown.x), Int(visible.y - shown.y))])
        return window.blanking(image, shown: shown, visible: visible)
    }
}
