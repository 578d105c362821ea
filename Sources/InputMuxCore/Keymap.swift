/// One key press that produces a character: the key plus the modifiers held around it
/// (e.g. `A` = shift + KEY_A on a US layout).
public struct KeyStroke: Hashable, Sendable, CustomStringConvertible {
    public var key: KeyCode
    /// Pressed before `key` in this order, released after it in reverse.
    public var modifiers: [KeyCode]

    public init(key: KeyCode, modifiers: [KeyCode] = []) {
        self.key = key
        self.modifiers = modifiers
    }

    public var description: String {
        (modifiers.map(\.description) + [key.description]).joined(separator: "+")
    }
}

/// Reverse lookup character → key stroke, for typing text (DESIGN §5 "Text").
///
/// The daemon implements it with libxkbcommon over the seat's real keymap (preferring
/// the active layout and the fewest modifiers); the pure core only sees this protocol,
/// so it never hard-codes a layout.
public protocol Keymap: Sendable {
    /// The layout name, for messages (`"us"`, `"de(nodeadkeys)"`).
    var layout: String { get }
    /// The stroke that types `c`, or nil if this keymap cannot produce it.
    func stroke(for c: Character) -> KeyStroke?
}
