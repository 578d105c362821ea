/// How an agent names the window it wants to lease (`window` and `window_class` /
/// `window_title` in an acquire); each window-system adapter resolves it to one window.
public enum WindowMatch: Hashable, Sendable, CustomStringConvertible {
    /// The window system's own id of the window (an X window id).
    case id(UInt64)
    /// An application name equal to this (case-insensitive: on X11 the WM_CLASS instance
    /// or class), and/or a title (on X11 `_NET_WM_NAME`, else `WM_NAME`) containing this,
    /// and/or the process that owns the window (on X11 `_NET_WM_PID`); all that are given.
    case match(className: String?, title: String?, pid: Int32? = nil)

    public var description: String {
        switch self {
        case .id(let w): "window 0x\(String(w, radix: 16))"
        case .match(let c, let t, let p):
            [c.map { "class \"\($0)\"" }, t.map { "title containing \"\($0)\"" }, p.map { "pid \($0)" }].compactMap { $0 }
                .joined(separator: " and ")
        }
    }
}
