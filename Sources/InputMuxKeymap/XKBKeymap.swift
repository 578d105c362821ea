import CXKBCommon
import InputMuxCore

/// Why a keymap could not be built.
public enum KeymapError: Error, CustomStringConvertible, Equatable {
    case contextUnavailable
    case unknownLayout(layout: String, variant: String)

    public var description: String {
        switch self {
        case .contextUnavailable:
            "keymap: libxkbcommon could not create a context; install xkb-data (apt-get install xkb-data)"
        case .unknownLayout(let layout, let variant):
            "keymap: xkbcommon cannot compile layout \"\(layout)\""
                + (variant.isEmpty ? "" : " variant \"\(variant)\"")
                + "; check the names under /usr/share/X11/xkb/symbols (e.g. us, de, fr) and fix [keymap] in the configuration"
        }
    }
}

/// Text typed through the real keymap: a reverse map character → key + modifiers,
/// compiled once with libxkbcommon for the configured layout.
///
/// Every entry is proven by replaying it through an `xkb_state` (press the modifiers,
/// then the key, and read back the character), so what the engine types is what the
/// compositor, using the same keymap, will see. Among several ways to type a character,
/// the one with the fewest modifiers wins, then the lowest key code. Characters that
/// need dead keys or another layout group are not offered: the engine reports them by
/// position instead of guessing.
public struct XKBKeymap: Keymap {
    public let layout: String
    public let variant: String
    /// Character (Unicode scalar value) → stroke.
    private let strokes: [UInt32: KeyStroke]
    /// Keysym → stroke, for key names ("Return", "KP_0", "a", "F5").
    private let strokesBySym: [UInt32: KeyStroke]
    /// Keysym → the key carrying it on a level only a lock reaches (KP_0 needs NumLock):
    /// a key name still means that key, as it does to xdotool.
    private let keysBySym: [UInt32: KeyCode]

    public init(layout: String, variant: String = "", model: String = "pc105", options: String = "") throws(KeymapError) {
        self.layout = layout
        self.variant = variant
        guard let context = xkb_context_new(XKB_CONTEXT_NO_FLAGS) else { throw .contextUnavailable }
        defer { xkb_context_unref(context) }
        let compiled: OpaquePointer? = "evdev".withCString { rules in
            model.withCString { model in
                layout.withCString { layoutC in
                    variant.withCString { variantC in
                        options.withCString { optionsC in
                            var names = xkb_rule_names(
                                rules: rules, model: model, layout: layoutC,
                                variant: variantC, options: options.isEmpty ? nil : optionsC)
                            return xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS)
                        }
                    }
                }
            }
        }
        guard let keymap = compiled else { throw .unknownLayout(layout: layout, variant: variant) }
        defer { xkb_keymap_unref(keymap) }
        (strokes, strokesBySym, keysBySym) = Self.reverseMap(keymap)
    }

    /// The stroke for an X keysym name as xdotool spells it ("Return", "KP_0", "F5",
    /// "a", "A", "at"). Names are matched exactly first, then case-insensitively.
    public func stroke(forKeyName name: String) -> KeyStroke? {
        var sym = xkb_keysym_from_name(name, XKB_KEYSYM_NO_FLAGS)
        if sym == 0 { sym = xkb_keysym_from_name(name, XKB_KEYSYM_CASE_INSENSITIVE) }
        guard sym != 0 else { return nil }
        return strokesBySym[sym] ?? keysBySym[sym].map { KeyStroke(key: $0, modifiers: []) }
    }

    public func stroke(for c: Character) -> KeyStroke? {
        if c == "\n" || c == "\r\n" { return strokes[0x0d] }
        guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first else { return nil }
        return strokes[scalar.value]
    }

    /// Number of characters this keymap can type (for diagnostics).
    public var characterCount: Int { strokes.count }

    // MARK: - Building the reverse map

    /// evdev key codes are xkb key codes minus 8 (the X11 offset).
    private static let evdevOffset: UInt32 = 8

    private static func reverseMap(_ keymap: OpaquePointer) -> ([UInt32: KeyStroke], [UInt32: KeyStroke], [UInt32: KeyCode]) {
        let modifierKeys = modifierKeysByMask(keymap)
        let layoutIndex: xkb_layout_index_t = 0  // the configured (active) layout
        var best: [UInt32: KeyStroke] = [:]
        var bySym: [UInt32: KeyStroke] = [:]
        var lockedSym: [UInt32: KeyCode] = [:]
        let minKey = xkb_keymap_min_keycode(keymap)
        let maxKey = xkb_keymap_max_keycode(keymap)
        guard minKey <= maxKey else { return (best, bySym, lockedSym) }
        var masks = [xkb_mod_mask_t](repeating: 0, count: 16)
        for xkbCode in minKey...maxKey where xkbCode >= evdevOffset {
            let key = KeyCode(UInt16(xkbCode - evdevOffset))
            let levels = xkb_keymap_num_levels_for_key(keymap, xkbCode, layoutIndex)
            guard levels > 0 else { continue }
            for level in 0..<levels {
                var syms: UnsafePointer<xkb_keysym_t>? = nil
                let nsyms = xkb_keymap_key_get_syms_by_level(keymap, xkbCode, layoutIndex, level, &syms)
                guard nsyms == 1, let sym = syms?.pointee else { continue }
                let nmasks = masks.withUnsafeMutableBufferPointer {
                    xkb_keymap_key_get_mods_for_level(keymap, xkbCode, layoutIndex, level, $0.baseAddress, $0.count)
                }
                if lockedSym[sym] == nil || key < lockedSym[sym]! { lockedSym[sym] = key }
                for m in masks.prefix(Int(nmasks)) {
                    guard let modifiers = keys(for: m, from: modifierKeys) else { continue }
                    let candidate = KeyStroke(key: key, modifiers: modifiers)
                    if let current = bySym[sym], !isBetter(candidate, than: current) { continue }
                    guard verify(candidate, producesSym: sym, in: keymap) else { continue }
                    bySym[sym] = candidate
                }
                var codepoint = xkb_keysym_to_utf32(sym)
                if sym == 0xff0d { codepoint = 0x0d }      // Return
                if sym == 0xff09 { codepoint = 0x09 }      // Tab
                guard codepoint != 0 else { continue }
                for m in masks.prefix(Int(nmasks)) {
                    guard let modifiers = keys(for: m, from: modifierKeys) else { continue }
                    let candidate = KeyStroke(key: key, modifiers: modifiers)
                    if let current = best[codepoint], !isBetter(candidate, than: current) { continue }
                    guard verify(candidate, produces: codepoint, in: keymap) else { continue }
                    best[codepoint] = candidate
                }
            }
        }
        return (best, bySym, lockedSym)
    }

    private static func isBetter(_ a: KeyStroke, than b: KeyStroke) -> Bool {
        // Keys below 0x100 are the ones real keyboards (and our agent keyboards) have;
        // a layout's extra keys such as KEY_EURO come last.
        let aExtra = a.key.rawValue >= 0x100, bExtra = b.key.rawValue >= 0x100
        if aExtra != bExtra { return !aExtra }
        if a.modifiers.count != b.modifiers.count { return a.modifiers.count < b.modifiers.count }
        return a.key < b.key
    }

    /// Which modifier key sets which modifier mask, found by pressing every key whose
    /// first-level symbol is a modifier and reading the state back.
    private static func modifierKeysByMask(_ keymap: OpaquePointer) -> [(mask: xkb_mod_mask_t, key: KeyCode)] {
        // Shift, Control, Alt, ISO_Level3_Shift (AltGr), ISO_Level5_Shift. Lock keys are
        // deliberately absent: typing must never leave Caps Lock toggled.
        let modifierSyms: Set<xkb_keysym_t> = [0xffe1, 0xffe2, 0xffe3, 0xffe4, 0xffe9, 0xffea, 0xfe03, 0xfe11]
        // Real keys first: a layout may also bind a modifier to a virtual key (such as
        // <LVL3>) that no physical keyboard has and our devices may not declare.
        let preferred: [UInt16] = [KeyCode.leftShift.rawValue, KeyCode.rightShift.rawValue,
                                   KeyCode.leftCtrl.rawValue, KeyCode.leftAlt.rawValue,
                                   KeyCode.rightAlt.rawValue, KeyCode.rightCtrl.rawValue]
        func rank(_ k: KeyCode) -> Int { preferred.firstIndex(of: k.rawValue) ?? 1000 + Int(k.rawValue) }
        var found: [(mask: xkb_mod_mask_t, key: KeyCode)] = []
        let minKey = xkb_keymap_min_keycode(keymap)
        let maxKey = xkb_keymap_max_keycode(keymap)
        guard minKey <= maxKey else { return found }
        for xkbCode in minKey...maxKey where xkbCode >= evdevOffset {
            var syms: UnsafePointer<xkb_keysym_t>? = nil
            let n = xkb_keymap_key_get_syms_by_level(keymap, xkbCode, 0, 0, &syms)
            guard n == 1, let sym = syms?.pointee, modifierSyms.contains(sym) else { continue }
            guard let state = xkb_state_new(keymap) else { continue }
            _ = xkb_state_update_key(state, xkbCode, XKB_KEY_DOWN)
            let mask = xkb_state_serialize_mods(state, XKB_STATE_MODS_DEPRESSED)
            xkb_state_unref(state)
            guard mask != 0 else { continue }
            let key = KeyCode(UInt16(xkbCode - evdevOffset))
            if let i = found.firstIndex(where: { $0.mask == mask }) {
                if rank(key) < rank(found[i].key) { found[i].key = key }
            } else {
                found.append((mask, key))
            }
        }
        return found
    }

    /// The modifier keys whose masks together make exactly `mask`, fewest first; nil if
    /// the mask needs a modifier no plain key sets (such as Lock).
    private static func keys(for mask: xkb_mod_mask_t, from table: [(mask: xkb_mod_mask_t, key: KeyCode)]) -> [KeyCode]? {
        if mask == 0 { return [] }
        if let single = table.first(where: { $0.mask == mask }) { return [single.key] }
        var remaining = mask
        var keys: [KeyCode] = []
        for entry in table where entry.mask & ~mask == 0 && entry.mask & remaining != 0 {
            keys.append(entry.key)
            remaining &= ~entry.mask
        }
        return remaining == 0 ? keys : nil
    }

    /// Replays the stroke through a fresh state: the proof that it yields `sym`.
    private static func verify(_ stroke: KeyStroke, producesSym sym: xkb_keysym_t, in keymap: OpaquePointer) -> Bool {
        guard let state = xkb_state_new(keymap) else { return false }
        defer { xkb_state_unref(state) }
        for m in stroke.modifiers {
            _ = xkb_state_update_key(state, UInt32(m.rawValue) + evdevOffset, XKB_KEY_DOWN)
        }
        return xkb_state_key_get_one_sym(state, UInt32(stroke.key.rawValue) + evdevOffset) == sym
    }

    /// Replays the stroke through a fresh state: the proof that it types `codepoint`.
    private static func verify(_ stroke: KeyStroke, produces codepoint: UInt32, in keymap: OpaquePointer) -> Bool {
        guard let state = xkb_state_new(keymap) else { return false }
        defer { xkb_state_unref(state) }
        for m in stroke.modifiers {
            _ = xkb_state_update_key(state, UInt32(m.rawValue) + evdevOffset, XKB_KEY_DOWN)
        }
        let xkbCode = UInt32(stroke.key.rawValue) + evdevOffset
        if codepoint == 0x0d { return xkb_state_key_get_one_sym(state, xkbCode) == 0xff0d }
        if codepoint == 0x09 { return xkb_state_key_get_one_sym(state, xkbCode) == 0xff09 }
        return xkb_state_key_get_utf32(state, xkbCode) == codepoint
    }
}
