import InputMuxCore
import InputMuxKeymap
import InputMuxWire

/// Turns key names as agents write them into Linux key codes.
///
/// Accepted, in this order: modifier words (`ctrl`, `shift`, `alt`, `altgr`, `super`,
/// with `_l`/`_r`, and their other spellings); key words such as the names OpenAI's
/// computer-use actions send (`ENTER`, `ARROWLEFT`, `CMD`) and single characters (`/`,
/// `-`), from `KeySpellings`, the table the client library writes with; X keysym names as xdotool spells them (`Return`, `KP_0`, `F5`, `a`), through
/// the configured keymap; and Linux names (`KEY_ESC`). A chord is names joined by `+`
/// (`ctrl+shift+t`).
public struct KeyNames: Sendable {
    private let keymap: XKBKeymap?
    private let linuxName: @Sendable (String) -> KeyCode?

    public init(keymap: XKBKeymap?, linuxName: @escaping @Sendable (String) -> KeyCode?) {
        self.keymap = keymap
        self.linuxName = linuxName
    }

    /// The protocol's modifier words (`KeySpellings.modifiers` maps every spelling to one).
    static let modifierKeys: [String: KeyCode] = [
        "ctrl": .leftCtrl, "ctrl_l": .leftCtrl, "ctrl_r": .rightCtrl,
        "shift": .leftShift, "shift_l": .leftShift, "shift_r": .rightShift,
        "alt": .leftAlt, "alt_l": .leftAlt, "alt_r": .rightAlt, "altgr": .rightAlt,
        "super": .leftMeta, "super_l": .leftMeta, "super_r": .rightMeta,
    ]

    /// The keys (modifiers first) that one name presses, or nil if unknown.
    public func keys(for name: String) -> [KeyCode]? {
        let lower = name.lowercased()
        if let word = KeySpellings.modifiers[lower], let m = Self.modifierKeys[word] { return [m] }
        if name.hasPrefix("KEY_") || name.hasPrefix("BTN_") { return linuxName(name).map { [$0] } }
        let character = name.count == 1 ? name.first.flatMap { KeySpellings.characters[$0] } : nil
        let keysym = KeySpellings.words[lower] ?? character ?? name
        if let stroke = keymap?.stroke(forKeyName: keysym) { return stroke.modifiers + [stroke.key] }
        return nil
    }

    /// `ctrl+shift+t` → [ctrl, shift, t], duplicates removed, modifiers kept first.
    public func chord(_ text: String) throws(WireError) -> [KeyCode] {
        let parts = text == "+" ? ["+"] : text.split(separator: "+", omittingEmptySubsequences: true).map(String.init)
        guard !parts.isEmpty else { throw WireError(.malformed, "key: empty key name; write e.g. \"ctrl+s\" or \"Return\"") }
        var out: [KeyCode] = []
        for p in parts {
            let trimmed = p.trimmingCharacters(in: " ")
            guard let ks = keys(for: trimmed) else {
                throw WireError(.malformed, "key: unknown key name \"\(trimmed)\"; use xdotool names (ctrl, shift, alt, super, Return, Tab, Left, F5, a) or Linux names (KEY_ESC)")
            }
            for k in ks where !out.contains(k) { out.append(k) }
        }
        return out
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
