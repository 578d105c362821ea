import InputMuxWire
import struct InputMuxCore.Region

extension SwayConnection {
    /// `GET_OUTPUTS`.
    public func outputs() throws(SwayError) -> [SwayOutput] {
        try list(.getOutputs).map { v throws(SwayError) in try SwayOutput(sway: v) }
    }

    /// The desktop: the bounding box of the active outputs (`SwayOutput.desktop`); nil
    /// when sway has no active output.
    public func desktop() throws(SwayError) -> Region? { SwayOutput.desktop(try outputs()) }

    /// `GET_TREE`, its windows.
    public func tree() throws(SwayError) -> SwayTree { try SwayTree(sway: request(.getTree)) }

    /// `GET_WORKSPACES`.
    public func workspaces() throws(SwayError) -> [SwayWorkspace] {
        try list(.getWorkspaces).map { v throws(SwayError) in try SwayWorkspace(sway: v) }
    }

    /// `GET_SEATS`.
    public func seats() throws(SwayError) -> [SwaySeat] {
        try list(.getSeats).map { v throws(SwayError) in try SwaySeat(sway: v) }
    }

    /// The seat `name` as `GET_SEATS` lists it; nil when sway has no such seat.
    public func seat(named name: String) throws(SwayError) -> SwaySeat? {
        try seats().first { $0.name == name }
    }

    /// `GET_INPUTS`.
    public func inputs() throws(SwayError) -> [SwayInput] {
        try list(.getInputs).map { v throws(SwayError) in try SwayInput(sway: v) }
    }

    /// sway's `human_readable` version (`GET_VERSION`), e.g. "1.7".
    public func version() throws(SwayError) -> String {
        guard let v = try request(.getVersion)["human_readable"].string else {
            throw .malformedReply(what: "GET_VERSION", detail: "no human_readable member")
        }
        return v
    }

    private func list(_ type: SwayMessageType) throws(SwayError) -> [JSON] {
        guard let a = try request(type).array else { throw .malformedReply(what: "\(type)", detail: "the reply is not an array") }
        return a
    }
}
