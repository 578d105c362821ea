@_exported import InputMuxWire

/// The daemon's name for the wire's JSON document (`InputMuxWire.JSON`).
public typealias JSONValue = JSON

extension JSON {
    /// Parses one wire line, or says what the wire expects.
    public static func wireLine(_ bytes: some Collection<UInt8>) throws(WireError) -> JSON {
        guard let value = parse(bytes) else { throw WireError(.malformed, "not a JSON value: send one JSON object per line") }
        return value
    }
}
