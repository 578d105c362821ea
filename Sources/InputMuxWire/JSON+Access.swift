/// Reading a document: members, kinds, numbers as the wire means them.
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

extension JSON {
    /// Parses one wire line, or says what the wire expects.
    public static func wireLine(_ bytes: some Collection<UInt8>) throws(WireError) -> JSON {
        guard let value = parse(bytes) else { throw WireError(.malformed, "not a JSON value: send one JSON object per line") }
        return value
    }
}

extension JSON {
    /// A 64-bit integer, also from a real number with no fraction.
    public var int64: Int64? {
        switch self {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: Int64(d)
        default: nil
        }
    }

    /// Element `index` of an array (`.null` when out of range or not an array).
    public subscript(index: Int) -> JSON {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return .null
    }
}
