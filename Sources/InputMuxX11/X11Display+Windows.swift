import CX11
import Glibc
import InputMuxCore
import struct InputMuxCore.Region

/// A window as the adapter sees it.
public struct X11Window: Hashable, Sendable {
    public var id: WindowID
    /// Root coordinates of the window's inside (borders and frames excluded).
    public var geometry: Region
    public var mapped: Bool
}

extension X11Display {
    /// Where `window` is on the root window now; nil when it does not exist.
    /// The corresponding C functions are `XGetWindowAttributes` and `XTranslateCoordinates`.
    public func window(_ window: WindowID) -> X11Window? {
        let w = UInt(window.rawValue)
        var a = XWindowAttributes()
        let (ok, failed) = checked { XGetWindowAttributes(display, w, &a) }
        guard ok != 0, !failed else { return nil }
        var x: Int32 = 0, y: Int32 = 0
        var child: UInt = 0
        guard XTranslateCoordinates(display, w, root, 0, 0, &x, &y, &child) != 0 else { return nil }
        return X11Window(id: window, geometry: Region(x: x, y: y, width: a.width, height: a.height),
                         mapped: a.map_state == IsViewable)
    }

    /// The window `match` names: by id (it must exist), or the one viewable window whose
    /// class and/or title match.
    public func find(_ match: WindowMatch) throws(X11Error) -> X11Window {
        switch match {
        case .id(let raw):
            guard let w = window(WindowID(raw)) else { throw .noSuchWindow(raw) }
            return w
        case .match(let className, let title, let pid):
            var found: [X11Window] = []
            for w in descendants(of: root) {
                if let p = pid {
                    guard self.pid(w) == p else { continue }
                }
                if let c = className {
                    let (instance, cls) = classHint(w)
                    guard instance?.lowercased() == c.lowercased() || cls?.lowercased() == c.lowercased() else { continue }
                }
                if let t = title {
                    guard let name = self.title(w), name.contains(t) else { continue }
                }
                if let info = window(WindowID(UInt64(w))), info.mapped { found.append(info) }
            }
            guard let first = found.first else { throw .noMatchingWindow(match.description) }
            guard found.count == 1 else { throw .ambiguousMatch(match.description, found.map(\.id.rawValue)) }
            return first
        }
    }

    /// Every window below `w`, parents before children.
    func descendants(of w: UInt) -> [UInt] {
        var out: [UInt] = []
        var stack = children(of: w).reversed() as [UInt]
        while let next = stack.popLast() {
            out.append(next)
            stack.append(contentsOf: children(of: next).reversed())
        }
        return out
    }

    /// Children in stacking order, bottom first. The corresponding C function is `XQueryTree`.
    func children(of w: UInt) -> [UInt] {
        var r: UInt = 0, p: UInt = 0, n: UInt32 = 0
        var list: UnsafeMutablePointer<UInt>?
        guard XQueryTree(display, w, &r, &p, &list, &n) != 0 else { return [] }
        defer { if let list { XFree(list) } }
        guard let list else { return [] }
        return Array(UnsafeBufferPointer(start: list, count: Int(n)))
    }

    /// The parent of `w`, nil for the root or a window that is gone.
    func parent(of w: UInt) -> UInt? {
        var r: UInt = 0, p: UInt = 0, n: UInt32 = 0
        var list: UnsafeMutablePointer<UInt>?
        guard XQueryTree(display, w, &r, &p, &list, &n) != 0 else { return nil }
        if let list { XFree(list) }
        return p == 0 ? nil : p
    }

    /// Whether `inner` is `outer` or lies inside it (one of its descendants).
    /// The corresponding C function is `XQueryTree`.
    public func window(_ inner: WindowID, isWithin outer: WindowID) -> Bool {
        ancestry(of: UInt(inner.rawValue)).contains(UInt(outer.rawValue))
    }

    /// `w` and its ancestors up to (not including) the root, innermost first.
    func ancestry(of w: UInt) -> [UInt] {
        var out: [UInt] = []
        var cur: UInt? = w
        while let c = cur, c != root, out.count < 64 {
            out.append(c)
            cur = parent(of: c)
        }
        return out
    }

    /// WM_CLASS: (instance, class). The corresponding C function is `XGetClassHint`.
    func classHint(_ w: UInt) -> (String?, String?) {
        var hint = XClassHint()
        guard XGetClassHint(display, w, &hint) != 0 else { return (nil, nil) }
        defer {
            if let p = hint.res_name { XFree(p) }
            if let p = hint.res_class { XFree(p) }
        }
        return (hint.res_name.map { String(cString: $0) }, hint.res_class.map { String(cString: $0) })
    }

    /// `_NET_WM_PID`: the process that says it owns the window.
    func pid(_ w: UInt) -> Int32? {
        var type: Atom = 0
        var format: Int32 = 0
        var count: UInt = 0, after: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        guard XGetWindowProperty(display, w, atoms.netWMPID, 0, 1, 0, Atom(XA_CARDINAL), &type, &format, &count, &after, &data) == Success,
              let data else { return nil }
        defer { XFree(data) }
        guard format == 32, count == 1 else { return nil }
        // Format-32 properties arrive as C longs.
        return data.withMemoryRebound(to: Int.self, capacity: 1) { Int32(truncatingIfNeeded: $0.pointee) }
    }

    /// `_NET_WM_NAME` (UTF-8), else `WM_NAME`.
    func title(_ w: UInt) -> String? {
        var type: Atom = 0
        var format: Int32 = 0
        var count: UInt = 0, after: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        if XGetWindowProperty(display, w, atoms.netWMName, 0, 1024, 0, atoms.utf8String, &type, &format, &count, &after, &data) == Success,
           let data {
            defer { XFree(data) }
            if format == 8, count > 0 {
                return String(decoding: UnsafeBufferPointer(start: data, count: Int(count)), as: UTF8.self)
            }
        }
        var name: UnsafeMutablePointer<CChar>?
        guard XFetchName(display, w, &name) != 0, let name else { return nil }
        defer { XFree(name) }
        return String(cString: name)
    }
}
