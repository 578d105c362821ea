/// A message the daemon could not accept. Sent back as
/// `{"type":"reply","id":…,"ok":false,"error":{"code":…,"message":…}}`; codes are stable.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// Not one JSON object on one line, or a field of the wrong type.
        case malformed
        /// Longer than the limit the hello reply announced.
        case tooLarge = "too_large"
        /// The hello named a protocol version this daemon does not speak.
        case unknownVersion = "unknown_version"
        /// A request before hello, or a second hello.
        case outOfOrder = "out_of_order"
        /// A `type` this socket does not know (or an agent verb on the control socket).
        case unknownType = "unknown_type"
        /// More unanswered requests than `max_in_flight`.
        case tooManyInFlight = "too_many_in_flight"
        /// Policy refuses this peer or name.
        case notAllowed = "not_allowed"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
