import Foundation
import InputMuxWire

/// `--json` output: pretty, keys sorted, so scripts and people can both read it.
public enum JSONOutput {
    /// `snakeCase`: Swift property names become the protocol's `snake_case` keys.
    public static func render(_ value: some Encodable, snakeCase: Bool = false) -> String {
        let e = JSONEncoder()
        if snakeCase { e.keyEncodingStrategy = .convertToSnakeCase }
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? e.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// What the daemon sent, indented by the wire codec.
    public static func render(_ value: JSON) -> String { value.prettyPrinted }
}
