/// Typed access to one JSON object, with errors that name the field: the one way the
/// daemon reads requests and the client library reads replies and events. A missing or
/// mistyped field throws `WireError(.malformed, …)` whose message names the field by its
/// path (`region.width`, `held[2].holder.pid`).
public struct JSONFields: Sendable {
    public let object: [String: JSON]
    public let path: String

    public init(_ object: [String: JSON], path: String = "") {
        self.object = object
        self.path = path
    }

    /// The fields of `value`, which must be an object.
    public init(_ value: JSON, path: String = "") throws(WireError) {
        guard case .object(let o) = value else {
            throw path.isEmpty ? WireError(.malformed, "each message is one JSON object") : .malformed(path, "must be an object")
        }
        self.init(o, path: path)
    }

    public func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether `key` is present and not `null`.
    public func has(_ key: String) -> Bool {
        if let v = object[key], v != .null { return true }
        return false
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required string is missing") }
        guard case .string(let s) = v else { throw WireError(.malformed, "\(name(key)): must be a string") }
        return s
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        has(key) ? try string(key) : nil
    }

    /// An integer, also from a real number with no fraction.
    public func int(_ key: String) throws(WireError) -> Int64 {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required integer is missing") }
        switch v {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.0e15: return Int64(d)
        default: throw WireError(.malformed, "\(name(key)): must be an integer")
        }
    }

    public func optionalInt(_ key: String) throws(WireError) -> Int64? {
        has(key) ? try int(key) : nil
    }

    public func int32(_ key: String) throws(WireError) -> Int32 {
        let v = try int(key)
        guard let i = Int32(exactly: v) else { throw WireError(.malformed, "\(name(key)): \(v) is out of range") }
        return i
    }

    /// `true` or `false`; nil when absent or `null`.
    public func bool(_ key: String) throws(WireError) -> Bool? {
        guard has(key) else { return nil }
        guard case .bool(let b) = object[key]! else { throw WireError(.malformed, "\(name(key)): must be true or false") }
        return b
    }

    public func object(_ key: String) throws(WireError) -> JSONFields {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required object is missing") }
        guard case .object(let o) = v else { throw WireError(.malformed, "\(name(key)): must be an object") }
        return JSONFields(o, path: name(key))
    }

    public func array(_ key: String) throws(WireError) -> [JSON] {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required array is missing") }
        guard case .array(let a) = v else { throw WireError(.malformed, "\(name(key)): must be an array") }
        return a
    }

    // MARK: - Values that read themselves

    /// The member `key`, read as `T`.
    public func decode<T: WireDecodable>(_ key: String, as type: T.Type = T.self) throws(WireError) -> T {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required \(T.self) is missing") }
        return try T(wire: v, path: name(key))
    }

    /// The member `key` read as `T`; nil when absent or `null`.
    public func optional<T: WireDecodable>(_ key: String, as type: T.Type = T.self) throws(WireError) -> T? {
        has(key) ? try decode(key, as: T.self) : nil
    }

    /// The array `key`, each element read as `T`.
    public func list<T: WireDecodable>(_ key: String, of type: T.Type = T.self) throws(WireError) -> [T] {
        var out: [T] = []
        for (i, v) in try array(key).enumerated() { out.append(try T(wire: v, path: "\(name(key))[\(i)]")) }
        return out
    }
}

/// A value the wire carries that reads itself from a document, naming `path` in its errors.
public protocol WireDecodable {
    init(wire value: JSON, path: String) throws(WireError)
}

/// A value that is one JSON object: read through its fields.
public protocol WireObjectDecodable: WireDecodable {
    init(fields: JSONFields) throws(WireError)
}

extension WireObjectDecodable {
    public init(wire value: JSON, path: String) throws(WireError) {
        try self.init(fields: try JSONFields(value, path: path))
    }
}

extension WireError {
    /// `path: what` for a value at `path` that is not what the wire expects.
    static func malformed(_ path: String, _ what: String) -> WireError {
        WireError(.malformed, "\(path.isEmpty ? "the document" : path): \(what)")
    }
}

extension String: WireDecodable {
    public init(wire value: JSON, path: String) throws(WireError) {
        guard case .string(let s) = value else { throw .malformed(path, "must be a string") }
        self = s
    }
}

extension Int: WireDecodable {
    public init(wire value: JSON, path: String) throws(WireError) {
        guard let i = value.int else { throw .malformed(path, "must be an integer") }
        self = i
    }
}

extension Array: WireDecodable where Element: WireDecodable {
    public init(wire value: JSON, path: String) throws(WireError) {
        guard case .array(let a) = value else { throw .malformed(path, "must be an array") }
        var out: [Element] = []
        for (i, v) in a.enumerated() { out.append(try Element(wire: v, path: "\(path)[\(i)]")) }
        self = out
    }
}
