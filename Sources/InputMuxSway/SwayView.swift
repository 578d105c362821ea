import InputMuxWire
import struct InputMuxCore.Region

/// A window (a sway "view": a container holding a client's surface) as `GET_TREE` and
/// window events describe it.
public struct SwayView: Hashable, Sendable {
    /// The container id, stable while the window exists: what criteria `[con_id=N]` name.
    public var conID: Int64
    /// The Wayland app_id (`foot -a NAME`); nil for Xwayland windows.
    public var appID: String?
    /// An Xwayland window's WM_CLASS class and instance; nil for Wayland windows.
    public var windowClass: String?
    public var windowInstance: String?
    /// The title.
    public var name: String?
    public var pid: Int32?
    /// The container in layout coordinates, borders included and the title bar excluded.
    public var rect: Region
    /// The client's surface in layout coordinates (`rect` moved by `window_rect`): where
    /// its pixels and its input are.
    public var content: Region
    public var visible: Bool
    public var focused: Bool
    public var floating: Bool
    /// The workspace holding it (`__i3_scratch` for the scratchpad); nil when not known (a
    /// window event's container does not say).
    public var workspace: String?
    /// `xdg_shell` or `xwayland`.
    public var shell: String?
    /// The title bar (or tab) sway draws for it, in layout coordinates; nil when it has
    /// none (`border pixel` or `none`, fullscreen). A click there focuses the window for
    /// the clicking seat without reaching the client.
    public var titleBar: Region?

    /// A tree node that is a view, or nil for a container without one (outputs,
    /// workspaces, splits). `parent` is the rectangle of the node holding it, which its
    /// `deco_rect` counts from.
    public init?(node value: JSON, workspace: String?, parent: Region? = nil) throws(SwayError) {
        guard value["shell"].string != nil || value["pid"].int64 != nil, let id = value["id"].int64 else { return nil }
        guard let rect = Region(sway: value["rect"]) else {
            throw .malformedReply(what: "GET_TREE", detail: "window con_id \(id) without a rect")
        }
        conID = id
        appID = value["app_id"].string
        windowClass = value["window_properties"]["class"].string
        windowInstance = value["window_properties"]["instance"].string
        name = value["name"].string
        pid = value["pid"].int64.flatMap { Int32(exactly: $0) }
        self.rect = rect
        if let inner = Region(sway: value["window_rect"]), !inner.isEmpty {
            content = Region(x: rect.x &+ inner.x, y: rect.y &+ inner.y, width: inner.width, height: inner.height)
        } else {
            content = rect
        }
        visible = value["visible"].bool ?? false
        focused = value["focused"].bool ?? false
        floating = value["type"].string == "floating_con"
        self.workspace = workspace
        shell = value["shell"].string
        if let deco = Region(sway: value["deco_rect"]), !deco.isEmpty, let parent {
            titleBar = Region(x: parent.x &+ deco.x, y: parent.y &+ deco.y, width: deco.width, height: deco.height)
        }
    }
}
