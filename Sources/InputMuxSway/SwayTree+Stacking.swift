import struct InputMuxCore.Region

extension SwayTree {
    /// The rectangles (layout coordinates) of other windows sway draws over window
    /// `conID` and that reach into it, title bar included (`outer`): nil when sway does
    /// not show the window
    /// (gone, on a workspace no output shows, the scratchpad, a hidden tab, hidden by
    /// another window's fullscreen), which sway's `visible` says.
    ///
    /// sway 1.7 draws each output in this order: the shown workspace's tiled windows
    /// (which never overlap one another), then the floating windows of every shown
    /// workspace, output by output, each workspace's in its `floating_nodes` order (a
    /// floating window raised moves to the end). An output with a fullscreen window draws
    /// that window and, over it, only the floating windows of its workspace that sway
    /// still shows (its dialogs). A floating window covers its title bar and borders too
    /// (`outer`).
    ///
    /// So over a tiled window: every floating window of a shown workspace; over a
    /// floating one: those after it; over a fullscreen one: the shown floating windows of
    /// its workspace. A fullscreen window on another output covers the part of the window
    /// that reaches onto that output. Floating windows of a shown workspace count even
    /// where sway's `visible` is false (their workspace has a fullscreen window): sway
    /// still draws them where they reach onto another output.
    ///
    /// Surfaces sway keeps outside its tree are not known here: layer-shell surfaces
    /// (bars, notifications, launchers), popups and menus of other windows, Xwayland's
    /// unmanaged windows (X menus, tooltips), drag icons.
    public func surfacesAbove(_ conID: Int64) -> [Region]? {
        guard let index = views.firstIndex(where: { $0.conID == conID }) else { return nil }
        let target = views[index]
        guard target.visible, !target.rect.isEmpty else { return nil }
        var above: [SwayView] = []
        if target.fullscreen {
            above = views.filter { $0.floating && $0.visible && $0.workspace == target.workspace && $0.conID != conID }
        } else {
            let floating = views.enumerated().filter { i, v in
                v.floating && !v.fullscreen && v.conID != conID
                    && (v.visible || v.workspace.map(shownWorkspaces.contains) == true)
                    && (!target.floating || i > index)
            }
            above = floating.map(\.element)
            above += views.filter { $0.fullscreen && $0.visible && $0.conID != conID }
        }
        return above.map { $0.fullscreen ? $0.rect : $0.outer }.filter { $0.overlaps(target.outer) }
    }
}
