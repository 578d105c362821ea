/// Typed access to one JSON object, with errors that name the field.
struct JSONFields {
    let object: [String: JSONValue]
    let path: String

    init(_ object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        if let v = object[key], v != .null { return true }
        return false
    }

    func string(_ key: String) throws(WireError) -> String {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required string is missing") }
        guard case .string(let s) = v else { throw WireError(.malformed, "\(name(key)): must be a string") }
        return s
    }

    func optionalString(_ key: String) throws(WireError) -> String? {
        has(key) ? try string(key) : nil
    }

    func int(_ key: String) throws(WireError) -> Int64 {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required integer is missing") }
        switch v {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.0e15: return Int64(d)
        default: throw WireError(.malformed, "\(name(key)): must be an integer")
        }
    }

    func optionalInt(_ key: String) throws(WireError) -> Int64? {
        has(key) ? try int(key) : nil
    }

    func int32(_ key: String) throws(WireError) -> Int32 {
        let v = try int(key)
        guard let i = Int32(exactly: v) else { throw WireError(.malformed, "\(name(key)): \(v) is out of range") }
        return i
    }

    func bool(_ key: String) throws(WireError) -> Bool? {
        guard has(key) else { return nil }
        guard case .bool(let b) = object[key]! else { throw WireError(.malformed, "\(name(key)): must be true or false") }
        return b
    }

    func object(_ key: String) throws(WireError) -> JSONFields {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required object is missing") }
        guard case .object(let o) = v else { throw WireError(.malformed, "\(name(key)): must be an object") }
        return JSONFields(o, path: name(key))
    }

    func array(_ key: String) throws(WireError) -> [JSONValue] {
        guard let v = object[key] else { throw WireError(.malformed, "\(name(key)): required array is missing") }
        guard case .array(let a) = v else { throw WireError(.malformed, "\(name(key)): must be an array") }
        return a
    }
}
