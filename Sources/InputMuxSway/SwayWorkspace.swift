import InputMuxWire
import struct InputMuxCore.Region

/// A workspace as `GET_WORKSPACES` describes it.
public struct SwayWorkspace: Hashable, Sendable {
    public var name: String
    public var output: String
    public var focused: Bool
    public var visible: Bool
    public var rect: Region

    public init(sway value: JSON) throws(SwayError) {
        guard let name = value["name"].string, let rect = Region(sway: value["rect"]) else {
            throw .malformedReply(what: "GET_WORKSPACES", detail: "a workspace without a name or rect")
        }
        self.name = name
        self.rect = rect
        output = value["output"].string ?? ""
        focused = value["focused"].bool ?? false
        visible = value["visible"].bool ?? false
    }
}
