/// An error as the wire carries it: `{"code":…,"message":…}`. The daemon answers a
/// message it cannot accept with
/// `{"type":"reply","id":…,"ok":false,"error":{"code":…,"message":…}}`; reading a
/// document with `JSONFields` throws one that names the field (`malformed`).
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ReasonCode
    public var message: String

    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// `{"code":…,"message":…}`
    public var json: JSON { ["code": .string(code.rawValue), "message": .string(message)] }
}
