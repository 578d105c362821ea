/// The key spellings the protocol takes besides X keysym names and Linux names
/// (docs/PROTOCOL.md, "Key names"): one table, so the daemon reads every spelling the
/// client library writes and an agent speaking the protocol itself gets the same names.
/// Keys are lower case; the daemon and the client compare in any case.
public enum KeySpellings {
    /// Modifier spellings → the protocol's modifier words (`ctrl`, `shift`, `alt`,
    /// `altgr`, `super`, each but `altgr` also with `_l`/`_r`).
    public static let modifiers: [String: String] = [
        "ctrl": "ctrl", "control": "ctrl", "ctl": "ctrl",
        "ctrl_l": "ctrl_l", "control_l": "ctrl_l", "ctrl_r": "ctrl_r", "control_r": "ctrl_r",
        "shift": "shift", "shift_l": "shift_l", "shift_r": "shift_r",
        "alt": "alt", "option": "alt", "opt": "alt", "alt_l": "alt_l", "alt_r": "alt_r", "altgr": "altgr",
        "super": "super", "meta": "super", "cmd": "super", "command": "super", "win": "super",
        "windows": "super", "os": "super", "super_l": "super_l", "super_r": "super_r",
    ]

    /// Other key words, among them those OpenAI's computer-use actions send (`ENTER`,
    /// `ARROWLEFT`, `PAGEDOWN`) → X keysym names.
    public static let words: [String: String] = [
        "enter": "Return", "return": "Return", "esc": "Escape", "escape": "Escape",
        "arrowleft": "Left", "arrowright": "Right", "arrowup": "Up", "arrowdown": "Down",
        "left": "Left", "right": "Right", "up": "Up", "down": "Down",
        "backspace": "BackSpace", "delete": "Delete", "del": "Delete", "space": "space", "tab": "Tab",
        "pageup": "Prior", "page_up": "Prior", "pgup": "Prior", "prior": "Prior",
        "pagedown": "Next", "page_down": "Next", "pgdn": "Next", "next": "Next",
        "home": "Home", "end": "End", "insert": "Insert", "ins": "Insert",
        "capslock": "Caps_Lock", "caps_lock": "Caps_Lock", "numlock": "Num_Lock", "num_lock": "Num_Lock",
        "scrolllock": "Scroll_Lock", "scroll_lock": "Scroll_Lock",
        "printscreen": "Print", "print": "Print", "sysrq": "Print", "pause": "Pause", "menu": "Menu",
        "minus": "minus", "plus": "plus", "slash": "slash", "backslash": "backslash",
    ]

    /// Single characters → X keysym names (`/` → `slash`), for key lists that send the
    /// character itself (OpenAI's `["CTRL", "/"]`).
    public static let characters: [Character: String] = [
        "/": "slash", "\\": "backslash", "-": "minus", "=": "equal", ",": "comma", ".": "period",
        ";": "semicolon", "'": "apostrophe", "`": "grave", "[": "bracketleft", "]": "bracketright",
        " ": "space", "+": "plus",
    ]
}
