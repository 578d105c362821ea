/// Keys after a focus-moving chord inside one gesture (DESIGN §3.3). Focus evidence is
/// checked when a gesture is accepted, so a gesture that moves the focus itself (raw frames
/// alt, tab, then "hunter"; `key alt+tab` repeated; `key alt+a+b`) would type the rest
/// wherever the chord sent the focus. Such a gesture is refused whole.
///
/// Focus moves at the first ordinary key pressed while Alt or Super is down (Alt+Tab,
/// Alt+F, Super+A), or when Alt or Super is released without one (Super alone opens the
/// overview, Alt alone the menu bar). After that, no ordinary key may be pressed in the
/// same gesture; modifiers alone type nothing, and releases are always allowed.
public enum FocusChords {
    /// Where a gesture presses a key after moving the focus.
    public struct Offense: Hashable, Sendable {
        /// The keyboard frame (0-based, among the gesture's keyboard frames) and key.
        public var frame: Int
        public var key: KeyCode
        /// The key whose press or release moved the focus.
        public var movedBy: KeyCode
    }

    /// The first ordinary key pressed after the focus moved, starting from `held` (the
    /// keys down on the keyboard before the gesture).
    public static func pressAfterFocusMove(in frames: some Sequence<Frame>, held: [KeyCode]) -> Offense? {
        var focusHeld = held.filter(\.isFocusModifier)
        var pressedDuringHold = !focusHeld.isEmpty  // held from before: not "alone"
        var movedBy: KeyCode?
        for (i, f) in frames.enumerated() {
            for e in f.events where e.type == EV.key {
                let k = KeyCode(e.code)
                if e.value == 0 {
                    guard let at = focusHeld.firstIndex(of: k) else { continue }
                    focusHeld.remove(at: at)
                    if focusHeld.isEmpty {
                        if !pressedDuringHold, movedBy == nil { movedBy = k }
                        pressedDuringHold = false
                    }
                    continue
                }
                guard e.value == 1 else { continue }
                if k.isFocusModifier {
                    if !focusHeld.contains(k) { focusHeld.append(k) }
                    continue
                }
                if k.isModifier { continue }
                if let by = movedBy { return Offense(frame: i, key: k, movedBy: by) }
                if !focusHeld.isEmpty {
                    pressedDuringHold = true
                    movedBy = k
                }
            }
        }
        return nil
    }

    /// The refusal: which key came after the chord, and what to do instead.
    public static func refusal(_ o: Offense, kind: String) -> Rejection {
        Rejection(.focusUnproven, "\(kind) refused: keyboard frame \(o.frame) presses \(o.key) after \(o.movedBy) "
            + "with Alt or Super moved the focus in the same gesture, so it would go wherever the focus went; "
            + "nothing was sent. Send the chord alone, then click inside your region before more keys")
    }
}
