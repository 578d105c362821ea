import InputMuxWire

/// A seat as `GET_SEATS` describes it: its name, the container its focus is on, and the
/// input devices attached to it.
public struct SwaySeat: Hashable, Sendable {
    public var name: String
    /// The con_id of the node this seat's focus is on (a window, or a workspace when it
    /// is empty).
    public var focus: Int64
    public var capabilities: Int64
    public var devices: [SwayInput]

    public init(sway value: JSON) throws(SwayError) {
        guard let name = value["name"].string else { throw .malformedReply(what: "GET_SEATS", detail: "a seat without a name") }
        self.name = name
        focus = value["focus"].int64 ?? 0
        capabilities = value["capabilities"].int64 ?? 0
        var devices: [SwayInput] = []
        for d in value["devices"].array ?? [] { devices.append(try SwayInput(sway: d, what: "GET_SEATS")) }
        self.devices = devices
    }
}
