import InputMuxWire

/// A tiny JSON writer for the audit log's canonical form: keys in the order written, no
/// whitespace, strings escaped the one way RFC 8259 requires and nothing else, so the same
/// record always yields the same bytes (which is what gets hashed). No Foundation.
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init() { bytes.reserveCapacity(256) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    mutating func key(_ k: String) {
        separator()
        Self.appendString(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key was just written: its value takes no comma.
    private var afterKey = false

    private mutating func separator() {
        if afterKey { afterKey = false; return }
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }

    mutating func value(_ s: String) { separator(); Self.appendString(s, to: &bytes) }
    mutating func value(_ n: Int64) { separator(); bytes.append(contentsOf: String(n).utf8) }
    mutating func value(_ n: UInt64) { separator(); bytes.append(contentsOf: String(n).utf8) }
    mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }

    mutating func field(_ k: String, _ s: String) { key(k); value(s) }
    mutating func field(_ k: String, _ s: String?) { key(k); if let s { value(s) } else { null() } }
    mutating func field(_ k: String, _ n: Int64) { key(k); value(n) }
    mutating func field(_ k: String, _ n: UInt64) { key(k); value(n) }

    /// The wire's one spelling of a string (`JSON.appendQuoted`).
    static func appendString(_ s: String, to out: inout [UInt8]) { JSON.appendQuoted(s, to: &out) }
}
