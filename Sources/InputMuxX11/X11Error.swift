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
    /// An XInput2 master of that name exists already (a seat's names must be unique).
    case seatExists(String)
    /// The server refused to add an XInput2 master pair (no multi-pointer, or no room).
    case seatRefused(String)
    /// The server added the master pair but one of its devices is not there.
    case seatIncomplete(String, missing: String)
    /// No XInput2 master of that name (or with that device) exists (any more).
    case noSuchSeat(String)
    /// No XInput2 device has that id.
    case noSuchInputDevice(Int32)
    /// The server refused to attach a slave device to a seat's master.
    case attachRefused(device: Int32, seat: String)
    /// The server refused to give a seat's keyboard the focus of a window.
    case focusRefused(UInt64, seat: String)
    /// The server refused a seat's cursor.
    case cursorRefused(String)

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
        case .seatExists(let s):
            return "an XInput2 master named \"\(s)\" exists already; remove it (`xinput remove-master \"\(s) pointer\"`, "
                + "or remove stale seats by their prefix) before creating the seat again"
        case .seatRefused(let s):
            return "the X server refused to add the XInput2 master pair \"\(s)\" (it lacks multi-pointer support or has no room "
                + "for more devices); the session must share the human's seat; check `xinput list`"
        case .seatIncomplete(let s, let missing):
            return "the X server added the XInput2 master pair \"\(s)\" but its \(missing) is missing; remove the seat and "
                + "create it again, and check `xinput list`"
        case .noSuchSeat(let s):
            return "no XInput2 master \"\(s)\" exists (any more): someone removed it or the server reset; create the seat "
                + "again (`xinput list` shows the masters)"
        case .noSuchInputDevice(let d):
            return "no XInput2 device \(d) exists; list the devices and their ids with `xinput list`"
        case .attachRefused(let d, let s):
            return "the X server refused to attach device \(d) to seat \"\(s)\": only a slave device can move, not an XTEST "
                + "device or a master, and a pointer joins a master pointer, a keyboard a master keyboard (`xinput list`)"
        case .focusRefused(let w, let s):
            return "the X server refused to give seat \"\(s)\"'s keyboard the focus of window 0x\(String(w, radix: 16)): it is "
                + "not viewable (unmapped, or an ancestor is); map the window first, or lease a viewable one"
        case .cursorRefused(let s):
            return "the X server refused the cursor of seat \"\(s)\" (no \"fixed\" font, or a cursor that size); the seat keeps "
                + "the default cursor; check `xlsfonts -fn fixed`"
        }
    }
}

