import CX11
import CXcomposite
import CXdamage
import CXext
import CXfixes
import InputMuxCore
import InputMuxImage
import InputMuxSight
import struct InputMuxCore.Region

/// What agents are shown, read from an X server (DESIGN §5b): the root window through
/// MIT-SHM (or `XGetImage` where the server cannot share memory), a window's own contents
/// through XComposite, changes through XDamage (for settling), the pointer's shape
/// through XFixes.
///
/// Threading: the source opens its own connection, apart from the engine's, and lives on
/// one thread (the daemon's capture thread): Xlib is not thread safe and InputMux does
/// not call `XInitThreads`, so each thread has its own connection. Not `Sendable`.
public final class X11CaptureSource: CaptureSource {
    public let connection: X11Display
    /// Nil when the server cannot share memory with this process (no MIT-SHM, or a
    /// remote server): captures then travel over the socket.
    let sharedMemory: SharedMemoryImage?
    let damageEventBase: Int32
    let hasCursorImages: Bool
    /// Damage on the root window: every change the screen shows, children included.
    let rootDamage: UInt
    var rootHistory = DamageHistory()
    /// Windows being watched or captured: their damage, and whether this source
    /// redirected them (and so must undo it).
    var windows: [WindowID: WatchedWindow] = [:]
    /// Damage reports read from the connection and not yet stamped by `service`.
    var unstamped: [(damage: UInt, rect: Region)] = []

    struct WatchedWindow {
        var damage: UInt
        var redirectedHere: Bool
        var history = DamageHistory()
    }

    /// Opens a connection to `display` (nil: `$DISPLAY`) with the cookie in `xauthority`
    /// (see `X11Display.init`), and asks for the extensions captures need: Composite 0.2
    /// and DAMAGE (required), MIT-SHM and XFIXES (used when present). `sharedMemory`
    /// false reads every capture over the socket, as with a server that cannot share
    /// memory (tests compare the two).
    public init(display: String?, xauthority: String?, sharedMemory: Bool = true) throws(X11Error) {
        connection = try X11Display(display: display, xauthority: xauthority)
        let d = connection.display
        var event: Int32 = 0, error: Int32 = 0, major: Int32 = 0, minor: Int32 = 2
        guard XCompositeQueryExtension(d, &event, &error) != 0, XCompositeQueryVersion(d, &major, &minor) != 0,
              major > 0 || minor >= 2 else {
            throw .missingExtension("Composite 0.2 (window captures)")
        }
        guard XDamageQueryExtension(d, &event, &error) != 0 else { throw .missingExtension("DAMAGE (capture settling)") }
        major = 1; minor = 1
        guard XDamageQueryVersion(d, &major, &minor) != 0 else { throw .missingExtension("DAMAGE (capture settling)") }
        damageEventBase = event
        major = 5; minor = 0
        hasCursorImages = XFixesQueryExtension(d, &event, &error) != 0 && XFixesQueryVersion(d, &major, &minor) != 0
        let screen = connection.screen()
        // MIT-SHM only with a server that sees this process's segments (SharedIPCNamespace).
        self.sharedMemory = sharedMemory && XShmQueryExtension(d) != 0 && SharedIPCNamespace.with(serverOn: connection.fileDescriptor)
            ? SharedMemoryImage(connection: connection, capacity: Int(screen.width) * Int(screen.height) * 4)
            : nil
        rootDamage = XDamageCreate(d, connection.root, Int32(XDamageReportRawRectangles))
        connection.flush()
    }

    deinit {
        for id in Array(windows.keys) { forget(window: id) }
        let d = connection.display
        _ = connection.checked { XDamageDestroy(d, rootDamage) }
    }

    /// True when captures go through MIT-SHM.
    public var usesSharedMemory: Bool { sharedMemory != nil }

    /// The screen: the root window's rectangle.
    public var bounds: Region { connection.screen() }

    public var fileDescriptor: Int32 { connection.fileDescriptor }

    public func capture(_ target: CaptureTarget) throws(CaptureError) -> PixelImage {
        switch target {
        case .screen(let rect):
            let screen = connection.screen()
            guard !rect.isEmpty, screen.contains(rect) else { throw .outsideScreen(rect, screen: screen) }
            let d = connection.display
            let s = XDefaultScreen(d)
            guard let image = read(connection.root, rect, visual: XDefaultVisual(d, s), depth: XDefaultDepth(d, s)) else {
                throw .failed("the X server refused to read back the screen's \(rect); check that the display still runs (`xdpyinfo`)")
            }
            return image
        case .window(let id, let rect):
            return try captureWindow(id, rect)
        }
    }

    /// `drawable`'s pixels through the segment, or over the socket when there is none or
    /// it failed (it cannot grow, say).
    func read(_ drawable: UInt, _ rect: Region, visual: UnsafeMutablePointer<Visual>?, depth: Int32) -> PixelImage? {
        if let shm = sharedMemory, let visual, let image = shm.read(drawable, rect, visual: visual, depth: depth) {
            return image
        }
        return connection.getImage(drawable, rect, visual: visual)
    }

    /// The pointer's image (XFixes), premultiplied ARGB, with its hot spot; nil without
    /// XFIXES. The image is laid out as `.xrgb8888` (B, G, R, then a fourth byte) but
    /// here the fourth byte is alpha: the cursor is not opaque.
    /// The corresponding C function is `XFixesGetCursorImage`.
    public func cursorImage() -> CursorImage? {
        guard hasCursorImages, let c = XFixesGetCursorImage(connection.display) else { return nil }
        defer { XFree(c) }
        return CursorImage(xfixes: c)
    }
}
