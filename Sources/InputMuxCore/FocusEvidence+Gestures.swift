/// What a gesture does to the focus evidence (DESIGN §3.3): a button press is a click
/// (evidence for its session where it pressed), an Alt/Super chord moves the focus.
extension FocusEvidence {
    /// Records `g` by session `s`, whose pointer is at `here` when it runs;
    /// `focusModifierHeld`: Alt or Super is down from an earlier gesture, so this gesture's
    /// keys or click form a focus-moving chord too.
    public mutating func record(_ g: Gesture, by s: SessionID, at here: Point?, time: Instant, focusModifierHeld: Bool) {
        defer { if focusModifierHeld { agentChord(s, time: time) } }
        switch g {
        case .click(let p, _, _, let mods):
            if let at = p ?? here { agentClicked(s, at: at, time: time) }
            if mods.contains(where: \.isFocusModifier) { agentChord(s, time: time) }
        case .mouseDown(let p, _):
            if let at = p ?? here { agentClicked(s, at: at, time: time) }
        case .drag(let path, _, let mods):
            if let at = path.first { agentClicked(s, at: at, time: time) }
            if mods.contains(where: \.isFocusModifier) { agentChord(s, time: time) }
        case .keyChord(let keys, _), .hold(let keys, _):
            if keys.contains(where: \.isFocusModifier) { agentChord(s, time: time) }
        case .keyDown(let k):
            if k.isFocusModifier { agentChord(s, time: time) }
        case .raw(let device, let frames):
            var x = here?.x, y = here?.y
            for f in frames {
                for e in f.events {
                    if e.type == EV.abs && e.code == ABS.x { x = e.value }
                    if e.type == EV.abs && e.code == ABS.y { y = e.value }
                    guard e.type == EV.key, e.value == 1 else { continue }
                    if device == .pointer, KeyCode(e.code).isButton, let x, let y {
                        agentClicked(s, at: Point(x: x, y: y), time: time)
                    } else if KeyCode(e.code).isFocusModifier {
                        agentChord(s, time: time)
                    }
                }
            }
        default:
            break
        }
    }
}
