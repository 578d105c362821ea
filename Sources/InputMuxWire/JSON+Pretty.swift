/// The wire codec's encoder in its indented mode, for people (`muxctl … --json`): keys
/// sorted as on the wire, two spaces a level, `"key" : value`.
extension JSON {
    public var prettyPrinted: String {
        var out: [UInt8] = []
        writePretty(to: &out, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func writePretty(to out: inout [UInt8], depth: Int) {
        func newline(_ d: Int) {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * d))
        }
        switch self {
        case .array(let a) where !a.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                v.writePretty(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .object(let o) where !o.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                Self.appendQuoted(k, to: &out)
                out.append(contentsOf: " : ".utf8)
                o[k]!.writePretty(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        default:
            write(to: &out)
        }
    }
}
