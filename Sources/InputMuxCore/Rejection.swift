import InputMuxWire

/// Why the engine refused something: a stable machine-readable code (wire protocol,
/// audit) plus a sentence that says what happened and what to do next. It is the
/// protocol's one error, `InputMuxWire.WireError`, so a refusal goes onto the wire as is.
public typealias Rejection = WireError
