import CX11
import CXtst
import InputMuxCore

/// Plays evdev frames (what the engine emits for agent devices) through XTest.
///
/// Absolute pointer motion, buttons and wheels (wheel notches are X buttons 4–7, as X
/// delivers them), and keys (X keycode = evdev code + 8, the xkb "evdev" rules every
/// current X server uses). Each request is announced in the display's ledger before it
/// is sent, so the foreign-injection watch knows its echo.
/// Runs on the display's owner thread.
public final class XTestInjector {
    let x: X11Display
    /// Each session's last absolute position: a frame carries only the axes that changed.
    private var positions: [UInt32: (x: Int32, y: Int32)] = [:]

    public init(display: X11Display) { x = display }

    /// Writes one frame for `session`'s pointer (`pointer: true`) or keyboard.
    /// `now` stamps the ledger entries.
    public func inject(_ frame: Frame, session: UInt32, at now: Instant) {
        var pos = positions[session]
        var moved = false
        for e in frame.events where e.type == EV.abs {
            if e.code == ABS.x { pos = (e.value, pos?.y ?? 0); moved = true }
            if e.code == ABS.y { pos = (pos?.x ?? 0, e.value); moved = true }
        }
        if moved, let p = pos {
            positions[session] = p
            x.ledger.announce(.motion, detail: 0, at: now)
            XTestFakeMotionEvent(x.display, -1, p.x, p.y, 0)
        }
        for e in frame.events {
            switch e.type {
            case EV.key:
                let k = KeyCode(e.code)
                if k.isButton {
                    guard let b = Self.button(e.code) else { continue }
                    let press = e.value != 0
                    x.ledger.announce(press ? .buttonPress : .buttonRelease, detail: b, at: now)
                    XTestFakeButtonEvent(x.display, b, press ? 1 : 0, 0)
                } else {
                    // Autorepeat (value 2) is the server's job.
                    guard e.value != 2 else { continue }
                    let code = UInt32(e.code) + 8
                    x.ledger.announce(e.value != 0 ? .keyPress : .keyRelease, detail: code, at: now)
                    XTestFakeKeyEvent(x.display, code, e.value != 0 ? 1 : 0, 0)
                }
            case EV.rel where e.code == REL.wheel || e.code == REL.hwheel:
                let b: UInt32 = e.code == REL.wheel ? (e.value > 0 ? 4 : 5) : (e.value > 0 ? 7 : 6)
                for _ in 0..<Int(e.value.magnitude) {
                    x.ledger.announce(.buttonPress, detail: b, at: now)
                    x.ledger.announce(.buttonRelease, detail: b, at: now)
                    XTestFakeButtonEvent(x.display, b, 1, 0)
                    XTestFakeButtonEvent(x.display, b, 0, 0)
                }
            default:
                break
            }
        }
        x.flush()
    }

    /// Forgets a session's position (it ended).
    public func forget(session: UInt32) { positions[session] = nil }

    /// The X button for an evdev button code.
    static func button(_ code: UInt16) -> UInt32? {
        switch code {
        case 0x110: 1      // BTN_LEFT
        case 0x112: 2      // BTN_MIDDLE
        case 0x111: 3      // BTN_RIGHT
        case 0x113: 8      // BTN_SIDE (back)
        case 0x114: 9      // BTN_EXTRA (forward)
        default: nil
        }
    }
}
