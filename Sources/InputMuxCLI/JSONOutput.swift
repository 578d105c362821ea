import Foundation

/// `--json` output: pretty, keys sorted, so scripts and people can both read it.
public enum JSONOutput {
    public static func render(_ value: some Encodable) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? e.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
