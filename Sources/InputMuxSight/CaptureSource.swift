import InputMuxCore
import InputMuxImage

/// What a capture shows, in the source's terms.
public enum CaptureTarget: Hashable, Sendable, CustomStringConvertible {
    /// A rectangle of the desktop as the screen shows it (every window over it included).
    case screen(Region)
    /// A window's own contents, even where other windows cover it: `rect` is in the
    /// window's coordinates (0,0 is its top-left corner).
    case window(WindowID, rect: Region)

    public var description: String {
        switch self {
        case .screen(let r): "screen \(r)"
        case .window(let w, let r): "window \(w) \(r)"
        }
    }
}

/// The pointer's image, premultiplied ARGB (pixman `a8r8g8b8`: B, G, R, A in memory),
/// with its hot spot: the pixel that sits at the pointer's position.
public struct CursorImage: Sendable, Equatable {
    public let image: PixelImage
    public let hotX: Int
    public let hotY: Int

    public init(image: PixelImage, hotX: Int, hotY: Int) {
        self.image = image; self.hotX = hotX; self.hotY = hotY
    }
}

/// Where pixels come from: the X server (`InputMuxX11.X11CaptureSource`), a wlroots
/// compositor's screencopy (`InputMuxWayland.WaylandCaptureSource`); KMS or a portal
/// later. The gate never sees a source: the daemon asks one only for a target the
/// engine has already allowed (DESIGN §5b).
///
/// A source belongs to one thread (Xlib, Wayland queues); it is not `Sendable`.
public protocol CaptureSource: AnyObject {
    /// What the source can show, in desktop pixels.
    var bounds: Region { get }
    /// A descriptor that turns readable when the source has events (damage) to read;
    /// poll it and call `service` when it does.
    var fileDescriptor: Int32 { get }
    /// Reads what the source reported (damage) and stamps it with `now`.
    func service(now: Instant)
    /// True when reports wait that `fileDescriptor` will not announce: another call's
    /// round trip (a capture) already read them off it. Poll with no timeout then (or
    /// call `service` first), or they are noticed only when the poll times out.
    var hasUnreadReports: Bool { get }
    /// Starts recording changes to `target` (idempotent). Screen changes are always
    /// recorded once the source is open; a window's from this call on.
    func watch(_ target: CaptureTarget) throws(CaptureError)
    /// The latest instant anything within `target` changed, as far as the source has
    /// recorded; `nil` when nothing has since it began watching.
    func lastChange(in target: CaptureTarget) -> Instant?
    /// The target's pixels, exactly: a target the source cannot show whole is refused,
    /// never clipped.
    func capture(_ target: CaptureTarget) throws(CaptureError) -> PixelImage
    /// The pointer's current shape, when the source can tell.
    func cursorImage() -> CursorImage?
}

/// Why a source could not show a target, each with what to do next.
public enum CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rectangle is not wholly on the source's screen.
    case outsideScreen(Region, screen: Region)
    /// The rectangle (window coordinates) is not wholly inside the window.
    case outsideWindow(WindowID, Region, window: Region)
    /// The window is gone, or is not viewable (unmapped, iconified).
    case windowUnavailable(WindowID)
    /// The source cannot show a window's own contents (wlr-screencopy copies outputs,
    /// not windows): the window's rectangle of the screen can be shown instead.
    case windowContentsUnsupported(WindowID, source: String)
    /// The source refused or failed, with its own words.
    case failed(String)

    public var description: String {
        switch self {
        case .outsideScreen(let r, let s):
            "capture refused: \(r) is not wholly on the screen \(s); ask for a rectangle inside it"
        case .outsideWindow(let w, let r, let inside):
            "capture refused: \(r) is not wholly inside \(w), whose inside is \(inside); ask for a rectangle inside it"
        case .windowUnavailable(let w):
            "capture failed: window \(w) is gone or not mapped; acquire a lease on a visible window"
        case .windowContentsUnsupported(let w, let source):
            "capture refused: \(source) cannot show the own contents of window \(w); capture the window's rectangle of the screen instead (ScreenWindowSource shows a window that way)"
        case .failed(let m):
            "capture failed: \(m)"
        }
    }
}
