import InputMuxWire
import struct InputMuxCore.Region

/// The windows of a `GET_TREE` reply, in tree order (tiled before floating on each
/// workspace), each with the workspace holding it.
public struct SwayTree: Hashable, Sendable {
    public var views: [SwayView]

    public init(views: [SwayView]) { self.views = views }

    /// Reads a `GET_TREE` reply.
    public init(sway root: JSON) throws(SwayError) {
        guard root["type"].string == "root" else {
            throw .malformedReply(what: "GET_TREE", detail: "the top node is not of type \"root\"")
        }
        var views: [SwayView] = []
        var stack: [(JSON, String?, Region?)] = [(root, nil, nil)]
        while let (node, inherited, parent) = stack.popLast() {
            let workspace = node["type"].string == "workspace" ? node["name"].string : inherited
            if let view = try SwayView(node: node, workspace: workspace, parent: parent) { views.append(view) }
            let children = (node["nodes"].array ?? []) + (node["floating_nodes"].array ?? [])
            let rect = Region(sway: node["rect"])
            stack += children.reversed().map { ($0, workspace, rect) }
        }
        self.views = views
    }

    /// The window with keyboard focus; nil when focus is on an empty workspace.
    public var focused: SwayView? { views.first(where: \.focused) }

    /// The window `conID`, if it exists.
    public func view(_ conID: Int64) -> SwayView? { views.first { $0.conID == conID } }
}
