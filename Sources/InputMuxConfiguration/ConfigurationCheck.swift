import Foundation

/// What `inputmuxd --check` finds: the configuration validated the way the daemon loads
/// it at start, with the panic chord's key names resolved through libevdev and the keymap
/// compiled with libxkbcommon. `inputmuxd --check --json` prints it, so a tool that links
/// neither library (`muxctl doctor`) gets the daemon's own answer instead of a guess.
public struct ConfigurationCheck: Codable, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// Every problem of the file; empty when it loads.
    public var problems: [ConfigurationError.Problem]
    /// Why the configured keymap does not compile; nil when it compiles or was not compiled.
    public var keymapProblem: String?
    /// Whether the keymap was compiled: only a configuration that loads names one.
    public var keymapChecked: Bool

    public init(file: String, problems: [ConfigurationError.Problem] = [], keymapProblem: String? = nil, keymapChecked: Bool) {
        self.file = file
        self.problems = problems
        self.keymapProblem = keymapProblem
        self.keymapChecked = keymapChecked
    }

    /// The daemon would start with this configuration, as far as the file decides.
    public var isValid: Bool { problems.isEmpty && keymapProblem == nil }

    /// The problems, one per line, each naming the file and line.
    public var description: String {
        var lines = problems.isEmpty ? [] : [ConfigurationError(file: file, problems: problems).description]
        if let keymapProblem { lines.append("\(file): \(keymapProblem)") }
        return lines.isEmpty ? "\(file): valid" : lines.joined(separator: "\n")
    }

    /// One line of JSON (snake_case keys), as `inputmuxd --check --json` prints it.
    public var json: String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads what `json` wrote; nil for anything else.
    public init?(json: String) {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        guard let c = try? d.decode(ConfigurationCheck.self, from: Data(json.utf8)) else { return nil }
        self = c
    }
}
