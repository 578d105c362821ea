import InputMuxWire

/// An input device as `GET_INPUTS` (and a seat's `devices`) describe it.
public struct SwayInput: Hashable, Sendable {
    /// `vendor:product:name`, what `seat NAME attach` and `input` commands take.
    public var identifier: String
    public var name: String
    /// `keyboard`, `pointer`, `touch`, `tablet_tool`, `tablet_pad`, `switch`.
    public var type: String

    public init(identifier: String, name: String, type: String) {
        self.identifier = identifier
        self.name = name
        self.type = type
    }

    public init(sway value: JSON, what: String = "GET_INPUTS") throws(SwayError) {
        guard let identifier = value["identifier"].string, let type = value["type"].string else {
            throw .malformedReply(what: what, detail: "an input without an identifier or type")
        }
        self.init(identifier: identifier, name: value["name"].string ?? "", type: type)
    }
}
