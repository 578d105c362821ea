import CX11
import InputMuxCore
import struct InputMuxCore.Region

/// Where the X server sends keys right now.
public struct X11Focus: Hashable, Sendable {
    /// The focused window, resolved to a leased window when it is one of them or lies
    /// inside one (a text field is a child of its top-level); else its top-level window.
    /// nil: no window has focus.
    public var window: WindowID?
    public var geometry: Region?
    /// Focus is PointerRoot (or the root): keys go to the window under the pointer, so
    /// moving the pointer moves focus (Xvfb with no window manager works this way).
    public var followsPointer: Bool
}

extension X11Display {
    /// The focused window, as keys would find it now. `leased` are the windows leases
    /// follow: a focus inside one of them is reported as that window.
    /// The corresponding C functions are `XGetInputFocus` and `XQueryPointer`.
    public func focus(leased: Set<WindowID>) -> X11Focus {
        var f: UInt = 0
        var revert: Int32 = 0
        XGetInputFocus(display, &f, &revert)
        var follows = false
        var target: UInt?
        switch f {
        case UInt(None):
            target = activeWindow()
        case UInt(PointerRoot), root:
            follows = true
            target = windowUnderPointer()
        default:
            target = f
        }
        guard let t = target else { return X11Focus(window: nil, geometry: nil, followsPointer: follows) }
        let chain = ancestry(of: t)
        let resolved = chain.first { leased.contains(WindowID(UInt64($0))) } ?? chain.last
        guard let r = resolved, let info = window(WindowID(UInt64(r))) else {
            return X11Focus(window: nil, geometry: nil, followsPointer: follows)
        }
        return X11Focus(window: info.id, geometry: info.geometry, followsPointer: follows)
    }

    /// The deepest window under the pointer, nil over the bare root.
    func windowUnderPointer() -> UInt? {
        var w = root
        var found: UInt?
        for _ in 0..<32 {
            var r: UInt = 0, child: UInt = 0
            var rx: Int32 = 0, ry: Int32 = 0, wx: Int32 = 0, wy: Int32 = 0
            var mask: UInt32 = 0
            guard XQueryPointer(display, w, &r, &child, &rx, &ry, &wx, &wy, &mask) != 0, child != 0 else { break }
            found = child
            w = child
        }
        return found
    }

    /// `_NET_ACTIVE_WINDOW` as a window manager publishes it.
    func activeWindow() -> UInt? {
        var type: Atom = 0
        var format: Int32 = 0
        var count: UInt = 0, after: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        guard XGetWindowProperty(display, root, atoms.netActiveWindow, 0, 1, 0, Atom(XA_WINDOW), &type, &format,
                                 &count, &after, &data) == Success, let data else { return nil }
        defer { XFree(data) }
        guard format == 32, count == 1 else { return nil }
        let w = data.withMemoryRebound(to: UInt.self, capacity: 1) { $0.pointee }
        return w == 0 ? nil : w
    }
}
