import struct InputMuxCore.Point
import struct InputMuxCore.Region

extension SwayTree {
    /// A point of `view`'s title bar that no window stacked above it covers, where a
    /// seat's click focuses the window for that seat (sway takes the click; the client
    /// does not get it); nil when it has no title bar or all of it is covered.
    ///
    /// Above a view on its workspace: every floating window when it is tiled, the
    /// floating windows after it when it floats (later ones are drawn on top).
    public func uncoveredTitleBarPoint(of view: SwayView) -> Point? {
        guard let bar = view.titleBar, !bar.isEmpty else { return nil }
        let index = views.firstIndex { $0.conID == view.conID } ?? views.count
        let above = views.enumerated().filter { i, other in
            other.conID != view.conID && other.floating && other.workspace == view.workspace && (!view.floating || i > index)
        }.flatMap { _, other in [other.rect] + (other.titleBar.map { [$0] } ?? []) }
        let y = bar.y &+ bar.height / 2
        // The middle first, then towards either end.
        for eighth: Int32 in [4, 2, 6, 1, 7] {
            let p = Point(x: bar.x &+ bar.width * eighth / 8, y: y)
            if !above.contains(where: { $0.contains(p) }) { return p }
        }
        return nil
    }
}
