import struct InputMuxCore.Point
import struct InputMuxCore.Region

extension SwayTree {
    /// A point of `view`'s title bar that no window stacked above it covers
    /// (`surfacesAbove`), where a seat's click focuses the window for that seat (sway
    /// takes the click; the client does not get it); nil when it has no title bar, sway
    /// does not show it, or all of it is covered.
    public func uncoveredTitleBarPoint(of view: SwayView) -> Point? {
        guard let bar = view.titleBar, !bar.isEmpty, let above = surfacesAbove(view.conID) else { return nil }
        let y = bar.y &+ bar.height / 2
        // The middle first, then towards either end.
        for eighth: Int32 in [4, 2, 6, 1, 7] {
            let p = Point(x: bar.x &+ bar.width * eighth / 8, y: y)
            if !above.contains(where: { $0.contains(p) }) { return p }
        }
        return nil
    }
}
