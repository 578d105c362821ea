import InputMuxWire

/// What sway answered for one command of a `RUN_COMMAND` (one entry of its array).
public struct SwayCommandOutcome: Hashable, Sendable {
    public var success: Bool
    /// The command did not parse (as opposed to parsing and failing).
    public var parseError: Bool
    /// sway's sentence when it failed.
    public var error: String?

    public init(sway value: JSON) throws(SwayError) {
        guard let ok = value["success"].bool else {
            throw .malformedReply(what: "RUN_COMMAND", detail: "an entry without \"success\"")
        }
        success = ok
        parseError = value["parse_error"].bool ?? false
        error = value["error"].string
    }
}
