import InputMuxWire

/// Why the engine refused something: a stable machine-readable code (wire protocol,
/// audit) plus a sentence that says what happened and what to do next. The codes are
/// the protocol's one list, `InputMuxWire.ReasonCode`.
public struct Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ReasonCode
    public var message: String

    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
