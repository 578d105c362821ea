import InputMuxWire
import struct InputMuxCore.Region

/// An output as `GET_OUTPUTS` describes it.
public struct SwayOutput: Hashable, Sendable {
    /// The connector name (`HDMI-A-1`, `HEADLESS-1`).
    public var name: String
    /// Enabled; a disabled output has no place in the layout.
    public var active: Bool
    /// Where it is in layout coordinates (logical pixels: its mode divided by its scale).
    public var rect: Region
    /// The scale; sway reports -1 for a disabled output.
    public var scale: Double
    /// The workspace it shows; nil when disabled.
    public var currentWorkspace: String?

    public init(name: String, active: Bool, rect: Region, scale: Double, currentWorkspace: String?) {
        self.name = name
        self.active = active
        self.rect = rect
        self.scale = scale
        self.currentWorkspace = currentWorkspace
    }

    /// One entry of a `GET_OUTPUTS` reply.
    public init(sway value: JSON) throws(SwayError) {
        guard let name = value["name"].string else { throw .malformedReply(what: "GET_OUTPUTS", detail: "an output without a name") }
        guard let rect = Region(sway: value["rect"]) else {
            throw .malformedReply(what: "GET_OUTPUTS", detail: "output \(name) without a rect")
        }
        self.init(name: name, active: value["active"].bool ?? false, rect: rect, scale: value["scale"].double ?? 1,
                  currentWorkspace: value["current_workspace"].string)
    }

    /// The desktop: the bounding box of the active outputs, in layout coordinates (where
    /// sway's window rectangles and `seat … cursor set` live); nil when none is active.
    public static func desktop(_ outputs: [SwayOutput]) -> Region? {
        Region.bounding(outputs.filter { $0.active && !$0.rect.isEmpty }.map(\.rect))
    }
}
