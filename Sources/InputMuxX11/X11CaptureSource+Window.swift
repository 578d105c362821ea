import CX11
import CXcomposite
import CXdamage
import InputMuxCore
import InputMuxImage
import InputMuxSight
import struct InputMuxCore.Region

extension X11CaptureSource {
    /// A window's own contents in `rect` (window coordinates), covered parts included:
    /// the window is redirected off-screen (XComposite, automatic: the server still draws
    /// it on the screen as before) so the server keeps all of it in a pixmap, and the
    /// pixels are read from that pixmap.
    func captureWindow(_ id: WindowID, _ rect: Region) throws(CaptureError) -> PixelImage {
        let d = connection.display
        let w = UInt(id.rawValue)
        var a = XWindowAttributes()
        let (ok, failed) = connection.checked { XGetWindowAttributes(d, w, &a) }
        guard ok != 0, !failed, a.map_state == IsViewable else { throw .windowUnavailable(id) }
        let inside = Region(x: 0, y: 0, width: a.width, height: a.height)
        guard !rect.isEmpty, inside.contains(rect) else { throw .outsideWindow(id, rect, window: inside) }
        try watchWindow(id)
        // The pixmap is the window's now; a resize replaces it, so it is named anew for
        // every capture and freed after.
        let (pixmap, unnamed) = connection.checked { XCompositeNameWindowPixmap(d, w) }
        guard pixmap != 0, !unnamed else { throw .windowUnavailable(id) }
        defer { _ = connection.checked { XFreePixmap(d, pixmap) } }
        // The pixmap holds the border too: the inside starts `border_width` in.
        let within = Region(x: rect.x + a.border_width, y: rect.y + a.border_width, width: rect.width, height: rect.height)
        guard let image = read(pixmap, within, visual: a.visual, depth: a.depth) else {
            throw .windowUnavailable(id)
        }
        return image
    }

    /// Starts following `id`: damage on it, and its redirection, so its covered parts are
    /// kept (and drawn by its client) from now on, not only from the first capture.
    func watchWindow(_ id: WindowID) throws(CaptureError) {
        guard windows[id] == nil else { return }
        let d = connection.display
        let w = UInt(id.rawValue)
        // Fails only where another client redirected it already (a compositing manager):
        // then its pixmap is kept anyway, and it is not this source's to undo.
        let (_, notRedirected) = connection.checked { XCompositeRedirectWindow(d, w, Int32(CompositeRedirectAutomatic)) }
        let (damage, failed) = connection.checked { XDamageCreate(d, w, Int32(XDamageReportRawRectangles)) }
        guard !failed else {
            if !notRedirected { _ = connection.checked { XCompositeUnredirectWindow(d, w, Int32(CompositeRedirectAutomatic)) } }
            throw .windowUnavailable(id)
        }
        windows[id] = WatchedWindow(damage: damage, redirectedHere: !notRedirected)
        // A new damage object first reports its whole window: that is no change, and
        // stamped at the next `service` it would pass for the change an action made
        // (a settle would end before the app repainted). It has arrived by now: the
        // round trip above came back after it.
        readReports()
        unstamped.removeAll { $0.damage == damage }
    }

    /// Stops following `window`: its damage is dropped and its redirection undone. The
    /// daemon calls this when no lease shows the window any more.
    /// The corresponding C functions are `XCompositeUnredirectWindow` and `XDamageDestroy`.
    public func forget(window id: WindowID) {
        guard let watched = windows.removeValue(forKey: id) else { return }
        let d = connection.display
        // The window may be gone: the server then dropped both already, and the errors
        // are caught and ignored.
        _ = connection.checked {
            if watched.redirectedHere { XCompositeUnredirectWindow(d, UInt(id.rawValue), Int32(CompositeRedirectAutomatic)) }
            XDamageDestroy(d, watched.damage)
        }
    }

    /// Windows this source follows.
    public var watchedWindows: Set<WindowID> { Set(windows.keys) }
}
