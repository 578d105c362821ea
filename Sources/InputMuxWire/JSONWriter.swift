/// The wire codec's encoder in its streaming mode: values written as they come, object
/// keys in the order written, no whitespace, strings in the wire's one spelling
/// (`JSON.appendQuoted`). The audit log's canonical form is written this way, so the same
/// record always yields the same bytes (which is what its hash chain hashes); a `JSON`
/// document goes through `value(_:)`, which writes its keys sorted, as `JSON.write(to:)` does.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// For each open object or array: whether its next element needs a comma.
    private var needsComma: [Bool] = []
    /// A key was just written: its value takes no comma.
    private var afterKey = false

    public init() { bytes.reserveCapacity(256) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    public mutating func key(_ k: String) {
        separator()
        JSON.appendQuoted(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    private mutating func separator() {
        if afterKey { afterKey = false; return }
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }

    public mutating func value(_ s: String) { separator(); JSON.appendQuoted(s, to: &bytes) }
    public mutating func value(_ n: Int64) { separator(); bytes.append(contentsOf: String(n).utf8) }
    public mutating func value(_ n: UInt64) { separator(); bytes.append(contentsOf: String(n).utf8) }
    public mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }
    /// A whole document, keys sorted (the tree has no order of its own).
    public mutating func value(_ json: JSON) { separator(); json.write(to: &bytes) }

    public mutating func field(_ k: String, _ s: String) { key(k); value(s) }
    public mutating func field(_ k: String, _ s: String?) { key(k); if let s { value(s) } else { null() } }
    public mutating func field(_ k: String, _ n: Int64) { key(k); value(n) }
    public mutating func field(_ k: String, _ n: UInt64) { key(k); value(n) }
}
