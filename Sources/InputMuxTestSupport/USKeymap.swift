import InputMuxCore

/// A US QWERTY table. TEST DOUBLE ONLY: the daemon types through the seat's real keymap
/// with libxkbcommon (DESIGN §5 "No hard-coded US table"). This lives in the test-support
/// target so tests and benchmarks can compile `.type` gestures without a keymap service,
/// and so the daemon cannot link it by accident.
public struct USKeymap: Keymap {
    public var layout: String { "us (test double)" }

    public init() {}

    public func stroke(for c: Character) -> KeyStroke? {
        guard let entry = Self.table[c] else { return nil }
        return KeyStroke(key: KeyCode(entry.code), modifiers: entry.shift ? [.leftShift] : [])
    }

    /// Character → (KEY_* code, needs shift). Codes from <linux/input-event-codes.h>.
    static let table: [Character: (code: UInt16, shift: Bool)] = {
        var t: [Character: (code: UInt16, shift: Bool)] = [:]
        func row(_ plain: String, _ shifted: String, from first: UInt16) {
            for (i, (p, s)) in zip(plain, shifted).enumerated() {
                t[p] = (first + UInt16(i), false)
                t[s] = (first + UInt16(i), true)
            }
        }
        row("1234567890-=", "!@#$%^&*()_+", from: 2)   // KEY_1 … KEY_EQUAL
        row("qwertyuiop[]", "QWERTYUIOP{}", from: 16)  // KEY_Q … KEY_RIGHTBRACE
        row("asdfghjkl;'`", "ASDFGHJKL:\"~", from: 30) // KEY_A … KEY_GRAVE
        row("\\", "|", from: 43)                      // KEY_BACKSLASH
        row("zxcvbnm,./", "ZXCVBNM<>?", from: 44)      // KEY_Z … KEY_SLASH
        t[" "] = (57, false)     // KEY_SPACE
        t["\n"] = (28, false)    // KEY_ENTER
        t["\r\n"] = (28, false)  // one Character in Swift
        t["\t"] = (15, false)    // KEY_TAB
        return t
    }()
}
