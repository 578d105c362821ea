/// A JSON document as the InputMux wire protocol carries it (docs/PROTOCOL.md): one
/// object per line. Numbers without a fraction or exponent that fit are `.int`, other
/// numbers `.double`; `true` is never `1` and `1` never `true`.
///
/// The daemon and every Swift client share this type and its codec. The codec is on
/// every request's path, so it reads and writes bytes directly: one pass, no
/// intermediate tree, no errors thrown and caught to find out what a value is.
public enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// How deep arrays and objects may nest in one wire line. The protocol's deepest
    /// message nests 4; the bound keeps a hostile line from recursing the parser deep.
    public static let maximumDepth = 32

    /// Parses one wire line: exactly one JSON value (RFC 8259), optionally surrounded by
    /// whitespace, in valid UTF-8, nested at most `maximumDepth`. Nil for anything else.
    public static func parse(_ bytes: some Collection<UInt8>) -> JSON? {
        if let parsed = bytes.withContiguousStorageIfAvailable({ buffer in
            var p = JSONParser(buffer)
            return p.document()
        }) {
            return parsed
        }
        return Array(bytes).withUnsafeBufferPointer { buffer in
            var p = JSONParser(buffer)
            return p.document()
        }
    }

    /// Parses JSON text.
    public static func parse(_ text: String) -> JSON? { parse(Array(text.utf8)) }

    /// Parses one JSON value nested at most `maximumDepth`: for documents from peers
    /// other than the wire, whose nesting follows what they describe (a compositor's
    /// window tree nests two levels per container).
    public static func parse(_ bytes: [UInt8], maximumDepth: Int) -> JSON? {
        bytes.withUnsafeBufferPointer { buffer in
            var p = JSONParser(buffer, maximumDepth: maximumDepth)
            return p.document()
        }
    }

    /// Compact JSON with sorted keys, no newline.
    public var serializedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    /// Compact JSON with sorted keys, no newline.
    public var serialized: String { String(decoding: serializedBytes, as: UTF8.self) }

    /// Appends the compact, key-sorted form to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            // JSON has no infinities or NaN.
            if d.isFinite { out.append(contentsOf: d.description.utf8) } else { out.append(contentsOf: "null".utf8) }
        case .string(let s): Self.appendQuoted(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendQuoted(k, to: &out)
                out.append(UInt8(ascii: ":"))
                o[k]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `"…"` with `"` `\` and control characters escaped (the short forms where JSON has
    /// them, `\u00XX` otherwise) and everything else as UTF-8, copied in runs: the one
    /// spelling of a string, which the audit log's canonical form relies on too.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var s = s
        out.append(UInt8(ascii: "\""))
        s.withUTF8 { utf8 in
            var run = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == 0x7f || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: utf8[run..<i])
                appendEscaped(b, to: &out)
                run = i + 1
            }
            out.append(contentsOf: utf8[run...])
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ b: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
        case 0x0a: out.append(UInt8(ascii: "n"))
        case 0x0d: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0c: out.append(UInt8(ascii: "f"))
        default:
            func hex(_ n: UInt8) -> UInt8 { n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10 }
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex(b >> 4), hex(b & 0xf)])
        }
    }
}

/// A strict RFC 8259 reader over one line's bytes; every failure is `nil` (the caller
/// says what the wire expects).
private struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    private let maximumDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int = JSON.maximumDepth) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func document() -> JSON? {
        skipSpace()
        guard let v = value() else { return nil }
        skipSpace()
        return i == bytes.count ? v : nil
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0a, 0x0d: i += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString, _ v: JSON) -> JSON? {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { return nil }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return nil }
        i += n
        return v
    }

    private mutating func value() -> JSON? {
        guard let c = current else { return nil }
        switch c {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSON.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func object() -> JSON? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maximumDepth else { return nil }
        i += 1  // {
        var o: [String: JSON] = [:]
        skipSpace()
        if current == UInt8(ascii: "}") { i += 1; return .object(o) }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard current == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard let v = value() else { return nil }
            o[key] = v
            skipSpace()
            switch current {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return .object(o)
            default: return nil
            }
        }
    }

    private mutating func array() -> JSON? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maximumDepth else { return nil }
        i += 1  // [
        var a: [JSON] = []
        skipSpace()
        if current == UInt8(ascii: "]") { i += 1; return .array(a) }
        while true {
            skipSpace()
            guard let v = value() else { return nil }
            a.append(v)
            skipSpace()
            switch current {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return .array(a)
            default: return nil
            }
        }
    }

    private static func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    private mutating func number() -> JSON? {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        // An integer part: 0, or a digit 1–9 and more digits.
        guard let first = current, Self.isDigit(first) else { return nil }
        i += 1
        if first != UInt8(ascii: "0") { while Self.isDigit(current) { i += 1 } }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard Self.isDigit(current) else { return nil }
            while Self.isDigit(current) { i += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            i += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard Self.isDigit(current) else { return nil }
            while Self.isDigit(current) { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if integral, let n = Int64(text) { return .int(n) }
        guard let d = Double(text), d.isFinite else { return nil }
        return .double(d)
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// A string at `"`: its escapes resolved, its UTF-8 validated.
    private mutating func string() -> String? {
        i += 1  // "
        let start = i
        // The common case: no escapes, so the bytes are the string.
        while let c = current, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") {
            guard c >= 0x20 else { return nil }
            i += 1
        }
        guard let stop = current else { return nil }
        if stop == UInt8(ascii: "\"") {
            i += 1
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]), as: UTF8.self)
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while let c = current {
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = current else { return nil }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low one.
                        guard bytes.count - i >= 2, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }  // a lone low surrogate
                    out.append(contentsOf: UTF8.encode(u)!)
                default: return nil
                }
            default:
                guard c >= 0x20 else { return nil }
                out.append(c)
            }
        }
        return nil  // no closing quote
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
}

extension JSON: CustomStringConvertible {
    public var description: String { serialized }
}
