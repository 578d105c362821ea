import InputMuxCore

/// What can go wrong talking to an X server, each with what to do next.
public enum X11Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// `XOpenDisplay` failed: no server there, or it refused us.
    case displayUnreachable(display: String, xauthority: String?)
    /// The server lacks an extension the adapter needs.
    case missingExtension(String)
    /// The window does not exist (any more).
    case noSuchWindow(UInt64)
    /// No window matched a class/title search.
    case noMatchingWindow(String)
    /// Several windows matched; the lease must name one.
    case ambiguousMatch(String, [UInt64])
    /// A capture asked for pixels outside the screen (or none).
    case captureOutsideScreen(Region, screen: Region)
    /// The server refused to read the pixels back.
    case captureFailed(Region)

    public var description: String {
        switch self {
        case .displayUnreachable(let d, let a):
            let auth = a.map { " with Xauthority \($0)" } ?? " (no Xauthority file set)"
            return "cannot open X display \"\(d)\"\(auth): check that the X server runs, that [x11] display names it "
                + "(e.g. \":0\"), and that xauthority points at a cookie file this user may read (`xdpyinfo -display \(d)` must work)"
        case .missingExtension(let e):
            return "the X server lacks the \(e) extension, which the X11 adapter needs; start the server with it (Xvfb and Xorg have it by default)"
        case .noSuchWindow(let w):
            return "no X window 0x\(String(w, radix: 16)) exists; list windows with `xdotool search --name .` or `xwininfo -root -tree`"
        case .noMatchingWindow(let m):
            return "no mapped X window matches \(m); check the class with `xprop WM_CLASS` or the title with `xdotool search --name`"
        case .ambiguousMatch(let m, let ws):
            let ids = ws.prefix(8).map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
            return "\(ws.count) X windows match \(m) (\(ids)); name one by its window id, or make the match narrower"
        case .captureOutsideScreen(let r, let screen):
            return "cannot capture \(r): it is not within the screen \(screen); ask for a rectangle inside it"
        case .captureFailed(let r):
            return "the X server refused to read back the pixels of \(r); check that the display still runs (`xdpyinfo`)"
        }
    }
}

