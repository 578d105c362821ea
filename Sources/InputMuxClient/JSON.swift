import Foundation

@_exported import InputMuxWire

extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? single.decode(Int64.self) {
            self = .int(whole)
        } else if let real = try? single.decode(Double.self) {
            self = .double(real)
        } else if let text = try? single.decode(String.self) {
            self = .string(text)
        } else if let items = try? single.decode([JSON].self) {
            self = .array(items)
        } else {
            self = .object(try single.decode([String: JSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let flag): try single.encode(flag)
        case .int(let whole): try single.encode(whole)
        case .double(let real): try single.encode(real)
        case .string(let text): try single.encode(text)
        case .array(let items): try single.encode(items)
        case .object(let members): try single.encode(members)
        }
    }
}

extension JSON {
    /// Decodes this document into `T` (snake_case keys become camelCase properties).
    public func decode<T: Decodable>(_ type: T.Type) throws(InputMuxError) -> T {
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(T.self, from: Data(serializedBytes))
        } catch {
            throw InputMuxError(.protocolViolation, "inputmuxd sent a \(T.self) this client cannot read (\(error)); check that inputmuxd and the client speak the same protocol version")
        }
    }
}
