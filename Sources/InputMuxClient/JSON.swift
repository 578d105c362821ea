import Foundation

@_exported import InputMuxWire

/// Reading the wire's JSON documents (`InputMuxWire.JSON`, shared with the daemon).
extension JSON {
    /// The member `key` of an object (`.null` when absent or not an object).
    public subscript(key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { self == .null }

    /// An integer, also from a real number with no fraction.
    public var int: Int? {
        switch self {
        case .int(let i): Int(exactly: i)
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: Int(d)
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// A copy of this object with `key` set.
    public func with(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var o) = self else { return self }
        o[key] = value
        return .object(o)
    }
}

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
