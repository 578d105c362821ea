import InputMuxWire

/// The kernel suite speaks to the daemon with the wire's own codec (`InputMuxWire.JSON`),
/// the one the client library uses; these are the suite's shorthands on it.
extension JSON {
    /// The array's elements; empty for anything else.
    var elements: [JSON] { array ?? [] }

    /// One line of compact JSON, keys sorted, as the suite sends it.
    var line: String { serialized }
}
