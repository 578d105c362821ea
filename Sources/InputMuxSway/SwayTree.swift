import InputMuxWire
import struct InputMuxCore.Region

/// The windows of a `GET_TREE` reply, in tree order (tiled before floating on each
/// workspace), each with the workspace holding it.
public struct SwayTree: Hashable, Sendable {
    public var views: [SwayView]
    /// The workspaces outputs show now (each output's `current_workspace`).
    public var shownWorkspaces: Set<String>

    public init(views: [SwayView], shownWorkspaces: Set<String> = []) {
        self.views = views; self.shownWorkspaces = shownWorkspaces
    }

    /// Reads a `GET_TREE` reply.
    public init(sway root: JSON) throws(SwayError) {
        guard root["type"].string == "root" else {
            throw .malformedReply(what: "GET_TREE", detail: "the top node is not of type \"root\"")
        }
        var views: [SwayView] = []
        var shown: Set<String> = []
        // Each node with its workspace, the rectangle of the node holding it (its
        // `deco_rect` counts from there), and whether a floating container holds it (a
        // floating container may hold a split of several views: they float with it).
        var stack: [(JSON, String?, Region?, Bool)] = [(root, nil, nil, false)]
        while let (node, inherited, parent, inFloating) = stack.popLast() {
            let workspace = node["type"].string == "workspace" ? node["name"].string : inherited
            let floating = inFloating || node["type"].string == "floating_con"
            if node["type"].string == "output", let current = node["current_workspace"].string { shown.insert(current) }
            if var view = try SwayView(node: node, workspace: workspace, parent: parent) {
                view.floating = floating
                views.append(view)
            }
            let children = (node["nodes"].array ?? []) + (node["floating_nodes"].array ?? [])
            let rect = Region(sway: node["rect"])
            stack += children.reversed().map { ($0, workspace, rect, floating) }
        }
        self.views = views
        shownWorkspaces = shown
    }

    /// The window with keyboard focus; nil when focus is on an empty workspace.
    public var focused: SwayView? { views.first(where: \.focused) }

    /// The window `conID`, if it exists.
    public func view(_ conID: Int64) -> SwayView? { views.first { $0.conID == conID } }
}
