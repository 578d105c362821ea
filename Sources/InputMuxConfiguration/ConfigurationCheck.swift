import InputMuxWire

/// What `inputmuxd --check` finds: the configuration validated the way the daemon loads
/// it at start, with the panic chord's key names resolved through libevdev and the keymap
/// compiled with libxkbcommon. `inputmuxd --check --json` prints it, so a tool that links
/// neither library (`muxctl doctor`) gets the daemon's own answer instead of a guess.
public struct ConfigurationCheck: Sendable, Hashable, CustomStringConvertible {
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
        var o: [String: JSON] = [
            "file": .string(file), "keymap_checked": .bool(keymapChecked),
            "problems": .array(problems.map { p in
                var po: [String: JSON] = ["key": .string(p.key), "message": .string(p.message)]
                if let line = p.line { po["line"] = .int(Int64(line)) }
                return .object(po)
            }),
        ]
        if let keymapProblem { o["keymap_problem"] = .string(keymapProblem) }
        return JSON.object(o).serialized
    }

    /// Reads what `json` wrote; nil for anything else.
    public init?(json: String) {
        guard let value = JSON.parse(json), let f = try? JSONFields(value) else { return nil }
        do throws(WireError) {
            file = try f.string("file")
            guard let checked = try f.bool("keymap_checked") else { return nil }
            keymapChecked = checked
            keymapProblem = try f.optionalString("keymap_problem")
            problems = []
            for (i, p) in try f.array("problems").enumerated() {
                let pf = try JSONFields(p, path: "problems[\(i)]")
                problems.append(ConfigurationError.Problem(
                    line: try pf.optionalInt("line").map { Int($0) }, key: try pf.string("key"), message: try pf.string("message")))
            }
        } catch {
            return nil
        }
    }
}
