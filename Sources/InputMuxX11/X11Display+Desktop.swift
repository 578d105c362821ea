import CX11
import CXrandr
import InputMuxCore
import struct InputMuxCore.Region

extension X11Display {
    /// The desktop in root-window pixels: the bounding box of every active RandR monitor
    /// (DESIGN §5), or the screen when RandR lists none.
    /// The corresponding C function is `XRRGetMonitors`.
    public func desktop() -> Region {
        var n: Int32 = 0
        var box: Region?
        if let monitors = XRRGetMonitors(display, root, 1, &n) {
            for m in UnsafeBufferPointer(start: monitors, count: Int(n)) where m.width > 0 && m.height > 0 {
                let r = Region(x: m.x, y: m.y, width: m.width, height: m.height)
                box = box.map { $0.union(r) } ?? r
            }
            XRRFreeMonitors(monitors)
        }
        if let box { return box }
        let screen = XDefaultScreen(display)
        return Region(x: 0, y: 0, width: XDisplayWidth(display, screen), height: XDisplayHeight(display, screen))
    }

    /// Asks for RandR notifications, so `X11Watch` reports desktop changes.
    func watchDesktop() {
        XRRSelectInput(display, root, Int32(RRScreenChangeNotifyMask | RRCrtcChangeNotifyMask | RROutputChangeNotifyMask))
    }
}

extension Region {
    /// The smallest region holding both.
    func union(_ o: Region) -> Region {
        let x0 = Swift.min(x, o.x), y0 = Swift.min(y, o.y)
        let x1 = Swift.max(x &+ width, o.x &+ o.width), y1 = Swift.max(y &+ height, o.y &+ o.height)
        return Region(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
