import InputMuxWire

/// The daemon's name for the wire's JSON document (`InputMuxWire.JSON`).
public typealias JSONValue = JSON
