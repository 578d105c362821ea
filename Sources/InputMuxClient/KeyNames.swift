import Foundation
import InputMuxWire

/// Key names as agents write them, turned into the names inputmuxd documents.
///
/// xdotool syntax passes through (`ctrl+shift+t`, `Return`, `KP_0`, `a`, `KEY_ESC`).
/// The words OpenAI's computer-use actions send (`CTRL`, `ENTER`, `ARROWLEFT`, `SPACE`,
/// `BACKSPACE`, `ESC`, `CMD`/`META`) become the daemon's modifier words and X keysym
/// names; in an OpenAI key list a single letter means that key (`"A"` → `a`).
public enum KeyNames {
    /// One key name in the daemon's spelling. `letterIsKey` (OpenAI lists) reads a single
    /// upper-case letter as that key, not as shift plus the key.
    public static func normalizeKey(_ name: String, letterIsKey: Bool = false) -> String {
        if name.hasPrefix("KEY_") || name.hasPrefix("BTN_") { return name }
        let lower = name.lowercased()
        if let m = KeySpellings.modifiers[lower] { return m }
        if let w = KeySpellings.words[lower] { return w }
        if lower.count >= 2, lower.count <= 3, lower.first == "f", let n = Int(lower.dropFirst()), (1...24).contains(n) {
            return "F\(n)"
        }
        if name.count == 1, let c = name.first {
            if let s = KeySpellings.characters[c] { return s }
            if letterIsKey, c.isLetter { return lower }
        }
        return name
    }

    /// A chord in xdotool syntax (`ctrl+shift+t`, `CTRL+ENTER`) in the daemon's spelling.
    public static func normalize(_ chord: String) throws(InputMuxError) -> String {
        try join(split(chord).map { normalizeKey($0) }, original: chord)
    }

    /// An OpenAI `keypress` list (`["CTRL", "A"]`) as one chord (`ctrl+a`).
    public static func normalize(openAIKeys keys: [String]) throws(InputMuxError) -> String {
        guard !keys.isEmpty else { throw InputMuxError(.badInput, "keys: give at least one key, e.g. [\"CTRL\", \"S\"]") }
        let parts = keys.flatMap { $0 == "+" ? ["+"] : split($0) }
        return try join(parts.map { normalizeKey($0, letterIsKey: true) }, original: keys.joined(separator: "+"))
    }

    /// `ctrl+s` → [ctrl, s]; a trailing `+` is the plus key (`ctrl++`).
    static func split(_ chord: String) -> [String] {
        let trimmed = chord.trimmingCharacters(in: .whitespaces)
        if trimmed == "+" { return ["+"] }
        var parts = trimmed.split(separator: "+", omittingEmptySubsequences: true).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        if trimmed.hasSuffix("++") { parts.append("+") }
        return parts
    }

    private static func join(_ parts: [String], original: String) throws(InputMuxError) -> String {
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw InputMuxError(.badInput, "key \"\(original)\": no key name; write e.g. \"ctrl+s\", \"Return\" or \"KP_0\"")
        }
        // The daemon splits on "+", so the plus key travels by its keysym name.
        return parts.map { $0 == "+" ? "plus" : $0 }.joined(separator: "+")
    }
}
