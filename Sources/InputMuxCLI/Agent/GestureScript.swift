import InputMuxClient
import InputMuxRelay

/// The `muxctl agent … run` syntax: one gesture per line, read from stdin.
///
///     # comments and blank lines are skipped
///     move 100 200
///     click 100 200                 click [X Y] [button=B] [count=N] [modifiers=ctrl+shift]
///     click 100 200 button=right count=2
///     down 10 10 / up 300 300       mouse button down/up [X Y] [button=B]
///     drag 10 10 300 300            drag X1 Y1 X2 Y2 [X3 Y3 …] [button=B] [modifiers=M]
///     scroll 500 500 dy=3           scroll [X Y] [dx=N] [dy=N] [unit=notches|pixels]
///     key ctrl+s                    key CHORD [repeat=N]
///     keydown shift / keyup shift
///     hold shift 500                hold KEYS MILLISECONDS
///     type hello, world             the rest of the line, verbatim; \n \t \\ are escapes
///     wait 250                      milliseconds
public enum GestureScript {
    /// The verbs, for error messages and the docs.
    public static let verbs = ["move", "click", "down", "up", "drag", "scroll", "key", "keydown", "keyup", "hold", "type", "wait"]
    /// How the refusal of an unknown verb begins (`AgentRelay.unknownGesturePrefix`).
    static let unknownGesturePrefix = AgentRelay.unknownGesturePrefix

    /// A whole script: every line is parsed before the first is run, so a typo on line 9
    /// does not leave lines 1–8 done.
    public static func parse(script: String) throws(CLIError) -> [(line: Int, action: AgentAction)] {
        var out: [(Int, AgentAction)] = []
        for (i, raw) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do {
                if let a = try parse(line: String(raw)) { out.append((i + 1, a)) }
            } catch {
                throw CLIError(.badInput, "line \(i + 1): \(error.message)")
            }
        }
        return out
    }

    /// One line; nil for a blank line or a comment.
    public static func parse(line raw: String) throws(CLIError) -> AgentAction? {
        var line = Substring(raw)
        if line.last == "\r" { line = line.dropLast() }
        let trimmed = line.trimmingSpaces
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let verbEnd = trimmed.firstIndex(where: \.isWhitespace) ?? trimmed.endIndex
        let verb = trimmed[..<verbEnd].lowercased()
        if verb == "type" {
            // Only the one separating space goes: the text may begin or end with spaces.
            var text = line[trimmed.startIndex...].dropFirst(4)
            if text.first == " " || text.first == "\t" { text = text.dropFirst() }
            guard !text.isEmpty else { throw CLIError(.badInput, "type: give the text after the verb (type hello)") }
            return .type(try unescape(String(text)))
        }
        let words = trimmed[verbEnd...].split(whereSeparator: \.isWhitespace).map(String.init)
        var args = Arguments(verb: verb, words: words)
        let action: AgentAction
        switch verb {
        case "move":
            guard let p = try args.point() else { throw CLIError(.badInput, "move: give X Y") }
            action = .move(p)
        case "click":
            action = .click(at: try args.point(), button: try args.button(), count: try args.int("count") ?? 1,
                            modifiers: try args.modifiers())
        case "down", "mouse_down", "mousedown":
            action = .mouseDown(at: try args.point(), button: try args.button())
        case "up", "mouse_up", "mouseup":
            action = .mouseUp(at: try args.point(), button: try args.button())
        case "drag":
            var path: [Point] = []
            while let p = try args.point() { path.append(p) }
            action = .drag(path: path, button: try args.button(), modifiers: try args.modifiers())
        case "scroll":
            let at = try args.point()
            let unit = try args.option("unit").map { v throws(CLIError) in try AgentAction.ScrollUnit.parse(v) } ?? .notches
            action = .scroll(at: at, dx: try args.int("dx") ?? 0, dy: try args.int("dy") ?? 0, unit: unit)
        case "key":
            action = .key(try args.word("a chord such as ctrl+s"), repeat: try args.int("repeat") ?? 1)
        case "keydown", "key_down":
            action = .keyDown(try args.word("one key such as shift"))
        case "keyup", "key_up":
            action = .keyUp(try args.word("one key such as shift"))
        case "hold":
            let keys = try args.word("keys such as shift")
            action = .hold(keys, milliseconds: try args.milliseconds())
        case "wait":
            action = .wait(milliseconds: try args.milliseconds())
        default:
            throw CLIError(.badInput, "\(unknownGesturePrefix)\"\(verb)\"; one of: \(verbs.joined(separator: ", "))")
        }
        try args.finish()
        return try action.validated()
    }

    static func unescape(_ s: String) throws(CLIError) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escaping = false
        for c in s {
            if escaping {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                default: throw CLIError(.badInput, "type: unknown escape \\\(c); use \\n, \\t or \\\\")
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        if escaping { out.append("\\") }
        return out
    }

    /// The words after the verb: leading numbers and words, then `key=value` options.
    private struct Arguments {
        let verb: String
        var positional: [String]
        var options: [String: String] = [:]
        var badOption: String?

        init(verb: String, words: [String]) {
            self.verb = verb
            positional = []
            for w in words {
                if let eq = w.firstIndex(of: "="), eq != w.startIndex {
                    let key = w[..<eq].lowercased()
                    if options[key] != nil { badOption = "\(key) is given twice" }
                    options[key] = String(w[w.index(after: eq)...])
                } else {
                    positional.append(w)
                }
            }
        }

        mutating func point() throws(CLIError) -> Point? {
            guard let first = positional.first, Int(first) != nil else { return nil }
            guard positional.count >= 2 else { throw CLIError(.badInput, "\(verb): a position is X Y (got only \(first))") }
            guard let x = Int(positional[0]), let y = Int(positional[1]) else {
                throw CLIError(.badInput, "\(verb): a position is two integers X Y (got \(positional[0]) \(positional[1]))")
            }
            positional.removeFirst(2)
            return Point(x: x, y: y)
        }

        mutating func word(_ what: String) throws(CLIError) -> String {
            guard !positional.isEmpty else { throw CLIError(.badInput, "\(verb): give \(what)") }
            return positional.removeFirst()
        }

        mutating func milliseconds() throws(CLIError) -> Int {
            guard let w = positional.first, let ms = Int(w), ms >= 0 else {
                throw CLIError(.badInput, "\(verb): give a duration in milliseconds (e.g. \(verb == "wait" ? "wait 250" : "hold shift 500"))")
            }
            positional.removeFirst()
            return ms
        }

        mutating func option(_ key: String) -> String? { options.removeValue(forKey: key) }

        mutating func int(_ key: String) throws(CLIError) -> Int? {
            guard let v = option(key) else { return nil }
            guard let i = Int(v) else { throw CLIError(.badInput, "\(verb): \(key)= takes an integer (got \(v))") }
            return i
        }

        mutating func button() throws(CLIError) -> AgentAction.Button {
            try option("button").map { v throws(CLIError) in try AgentAction.Button.parse(v) } ?? .left
        }

        mutating func modifiers() throws(CLIError) -> [String] {
            guard let v = option("modifiers") ?? option("mods") else { return [] }
            let names = v.split(separator: "+").map(String.init)
            guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
                throw CLIError(.badInput, "\(verb): modifiers= is a chord such as ctrl+shift")
            }
            return names
        }

        func finish() throws(CLIError) {
            if let badOption { throw CLIError(.badInput, "\(verb): \(badOption)") }
            if let extra = positional.first { throw CLIError(.badInput, "\(verb): unexpected \"\(extra)\"") }
            if let key = options.keys.sorted().first { throw CLIError(.badInput, "\(verb): unknown option \(key)=") }
        }
    }
}
