/// Keys and chords that act on the whole machine, not on a window (DESIGN §3 item 6):
/// no lease can cover them, so the gate refuses them on every path (`key`, `hold`,
/// `key_down`, `type`, raw keyboard frames; the MCP server, `muxctl` and the XTest
/// output all go through the engine), whichever gesture or frame completes them.
///
/// Two kinds:
/// - **Machine keys** (power, sleep, radios, display, backlight): never legitimate for an
///   agent. They are left off the agent keyboard altogether (`AgentDeviceProfile`), so
///   the kernel itself refuses them too, and no policy can allow them.
/// - **Machine chords** (Alt+SysRq, Ctrl+Alt+Delete, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12):
///   made of ordinary keys an agent needs alone. Refused unless the session's policy rule
///   lists the chord in `allow_machine_keys`.
public enum MachineKeys {
    /// A key left off the agent keyboard, with what it does.
    public struct Key: Hashable, Sendable {
        public var code: KeyCode
        public var name: String
        public var effect: String
    }

    /// Keys that switch power states, radios, displays or backlights for the whole
    /// machine. Volume, mic-mute and screen-lock keys stay: they act inside the user's
    /// session, as ordinary shortcuts (Super+L) do. KEY_POWER2 (0x164) lies outside the
    /// agent keyboard's block anyway.
    public static let removedKeys: [Key] = [
        Key(code: KeyCode(116), name: "KEY_POWER", effect: "powers the machine off or suspends it"),
        Key(code: KeyCode(142), name: "KEY_SLEEP", effect: "puts the machine to sleep"),
        Key(code: KeyCode(143), name: "KEY_WAKEUP", effect: "wakes the machine"),
        Key(code: KeyCode(205), name: "KEY_SUSPEND", effect: "suspends or hibernates the machine"),
        Key(code: KeyCode(224), name: "KEY_BRIGHTNESSDOWN", effect: "dims the screen"),
        Key(code: KeyCode(225), name: "KEY_BRIGHTNESSUP", effect: "brightens the screen"),
        Key(code: KeyCode(227), name: "KEY_SWITCHVIDEOMODE", effect: "switches the display outputs"),
        Key(code: KeyCode(228), name: "KEY_KBDILLUMTOGGLE", effect: "toggles the keyboard backlight"),
        Key(code: KeyCode(229), name: "KEY_KBDILLUMDOWN", effect: "dims the keyboard backlight"),
        Key(code: KeyCode(230), name: "KEY_KBDILLUMUP", effect: "brightens the keyboard backlight"),
        Key(code: KeyCode(236), name: "KEY_BATTERY", effect: "acts on the battery status"),
        Key(code: KeyCode(237), name: "KEY_BLUETOOTH", effect: "switches Bluetooth"),
        Key(code: KeyCode(238), name: "KEY_WLAN", effect: "switches wireless LAN"),
        Key(code: KeyCode(239), name: "KEY_UWB", effect: "switches ultra-wideband radio"),
        Key(code: KeyCode(243), name: "KEY_BRIGHTNESS_CYCLE", effect: "changes the screen brightness"),
        Key(code: KeyCode(244), name: "KEY_BRIGHTNESS_AUTO", effect: "changes the screen brightness"),
        Key(code: KeyCode(245), name: "KEY_DISPLAY_OFF", effect: "turns the display off"),
        Key(code: KeyCode(246), name: "KEY_WWAN", effect: "switches the mobile broadband radio"),
        Key(code: KeyCode(247), name: "KEY_RFKILL", effect: "switches every radio"),
    ]

    /// The removed key with this code, if it is one.
    @inlinable
    public static func removedKey(_ k: KeyCode) -> Key? {
        // The removed codes all lie in 116…247: one comparison keeps ordinary keys fast.
        guard k.rawValue >= 116 && k.rawValue <= 247 else { return nil }
        for r in removedKeys where r.code == k { return r }
        return nil
    }

    /// A chord of ordinary keys that acts on the machine: modifiers (each satisfied by
    /// its left or right key) and one key.
    public struct Chord: Hashable, Sendable, CustomStringConvertible {
        /// The spelling in `allow_machine_keys` and in refusals: `ctrl+alt+f2`.
        public var name: String
        public var ctrl: Bool
        public var alt: Bool
        public var key: KeyCode
        public var effect: String

        public var description: String { name }

        /// Whether this chord is complete when `isDown` says which keys are held.
        @inlinable
        func isComplete(_ isDown: (KeyCode) -> Bool) -> Bool {
            guard isDown(key) else { return false }
            if ctrl && !(isDown(.leftCtrl) || isDown(.rightCtrl)) { return false }
            if alt && !(isDown(.leftAlt) || isDown(.rightAlt)) { return false }
            return true
        }

        /// Whether pressing `k` can complete this chord.
        @inlinable
        func involves(_ k: KeyCode) -> Bool {
            if k == key { return true }
            if ctrl && (k == .leftCtrl || k == .rightCtrl) { return true }
            if alt && (k == .leftAlt || k == .rightAlt) { return true }
            return false
        }
    }

    /// The default-forbidden chords. Either Alt and either Ctrl count (the kernel's SysRq
    /// handler takes either Alt; console keymaps bind both).
    /// - Alt+SysRq: the kernel's Magic SysRq (sync, remount, kill, reboot). SysRq is the
    ///   Print Screen key; pressed alone it stays allowed.
    /// - Ctrl+Alt+Delete, and Ctrl+Alt+KP-Delete (console keymaps bind both to Boot):
    ///   the console asks init to start ctrl-alt-del.target, a reboot.
    /// - Ctrl+Alt+Backspace: ends the X server where it is enabled.
    /// - Ctrl+Alt+F1…F12: switches the virtual terminal for every user.
    public static let chords: [Chord] = {
        var c: [Chord] = [
            Chord(name: "alt+sysrq", ctrl: false, alt: true, key: KeyCode(99),
                  effect: "the kernel's Magic SysRq (sync, kill, reboot)"),
            Chord(name: "ctrl+alt+delete", ctrl: true, alt: true, key: .delete,
                  effect: "the console's reboot request (ctrl-alt-del.target)"),
            Chord(name: "ctrl+alt+kp_delete", ctrl: true, alt: true, key: KeyCode(83),
                  effect: "the console's reboot request (ctrl-alt-del.target)"),
            Chord(name: "ctrl+alt+backspace", ctrl: true, alt: true, key: .backspace,
                  effect: "ending the X server"),
        ]
        let fkeys: [UInt16] = [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88]
        for (i, code) in fkeys.enumerated() {
            c.append(Chord(name: "ctrl+alt+f\(i + 1)", ctrl: true, alt: true, key: KeyCode(code),
                           effect: "a switch to virtual terminal \(i + 1) for every user"))
        }
        return c
    }()

    /// The chord spelled `name` (case-insensitive), for the configuration.
    public static func chord(named name: String) -> Chord? {
        let n = name.lowercased()
        return chords.first { $0.name == n }
    }

    /// Whether pressing `k`, with `isDown` saying what is held once it is pressed (`k`
    /// included), completes a machine chord the session may not send. Allocates nothing.
    @inlinable
    public static func completed(byPressing k: KeyCode, allowed: Set<String>, _ isDown: (KeyCode) -> Bool) -> Chord? {
        // Every chord involves Alt, Ctrl, SysRq, Delete, KP-Delete, Backspace or an F key.
        switch k.rawValue {
        case 14, 29, 56, 59...68, 83, 87, 88, 97, 99, 100, 111: break
        default: return nil
        }
        for c in chords where c.involves(k) && c.isComplete(isDown) {
            if !allowed.contains(c.name) { return c }
        }
        return nil
    }

    /// The first machine chord that writing `frames` to session `s`'s keyboard would
    /// complete, starting from what `neutral` says is held (on this keyboard, and modifiers
    /// on every other agent keyboard: the console and the X server merge modifier state
    /// across keyboards). Duplicate presses are dropped as `NeutralState.filter` drops them.
    public static func completed(in frames: some Sequence<Frame>, on keyboard: SessionID, neutral: NeutralState,
                                 allowed: Set<String>) -> Chord? {
        var held = neutral.held(on: .agentKeyboard(keyboard))
        for f in frames {
            for e in f.events where e.type == EV.key {
                let k = KeyCode(e.code)
                if e.value == 0 {
                    held.removeAll { $0 == k }
                    continue
                }
                guard e.value == 1, !held.contains(k) else { continue }
                held.append(k)
                let found = completed(byPressing: k, allowed: allowed) { q in
                    held.contains(q) || (q.isModifier && neutral.holds(q, onAgentKeyboardOtherThan: keyboard))
                }
                if let found { return found }
            }
        }
        return nil
    }

    /// The refusal: the chord, what it does, and the policy setting that would allow it.
    public static func refusal(_ c: Chord, kind: String) -> Rejection {
        Rejection(.machineKey, "\(kind) refused: it completes \(c.name), \(c.effect), which acts on the whole machine, "
            + "not a window, so no lease covers it; nothing of it was sent. Release the keys held from earlier "
            + "gestures if they complete it (key_up), or ask the operator to add allow_machine_keys = [\"\(c.name)\"] "
            + "to the [[policy]] rule that admits this agent")
    }

    /// The refusal for a removed key.
    public static func refusal(_ k: Key, kind: String) -> Rejection {
        Rejection(.machineKey, "\(kind) refused: \(k.name) \(k.effect) for the whole machine; the agent keyboard "
            + "does not have this key, so no policy can allow it; nothing was sent")
    }
}

extension NeutralState {
    /// Whether `k` is held on any agent keyboard but `session`'s. Allocates nothing.
    public func holds(_ k: KeyCode, onAgentKeyboardOtherThan session: SessionID) -> Bool {
        anyDevice { device, keys in
            if case .agentKeyboard(let other) = device, other != session, keys.contains(k) { return true }
            return false
        }
    }
}
