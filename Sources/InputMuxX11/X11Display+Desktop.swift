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
                box = box.map { $0.bounding(r) } ?? r
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

