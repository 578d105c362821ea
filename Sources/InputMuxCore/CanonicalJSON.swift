/// A tiny JSON writer for the audit log's canonical form: keys in the order written, no
/// whitespace, strings escaped the one way RFC 8259 requires and nothing else, so the same
/// record always yields the same bytes (which is what gets hashed). No Foundation.
package struct CanonicalJSON {
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

    /// `"…"` with `"` `\` and control characters escaped (short forms where JSON has
    /// them, `\u00XX` otherwise); everything else as UTF-8, copied in runs.
    package static func appendString(_ s: String, to out: inout [UInt8]) {
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
