import CX11
import CXi
import CXtst
import InputMuxCore

/// Injects through one seat's own XTEST slave devices, so what it plays moves that seat's
/// cursor and goes to that seat's keyboard focus, and to no other seat's (docs/SEATS.md).
///
/// The XTest requests that name a device (`XTestFakeDevice…Event`) take an XInput 1
/// device handle: both XTEST slaves are opened with `XOpenDevice` for as long as this
/// lives. Positions are absolute root coordinates (the XTEST pointer's axes are the
/// screen's). Each request is announced in the display's ledger before it is sent, as
/// `XTestInjector` does, so the foreign-injection watch knows its echo.
/// Runs on the display's owner thread; not `Sendable`.
public final class X11SeatInput {
    public enum Action: Hashable, Sendable {
        case move(Point)
        case button(UInt32, pressed: Bool)
        /// An X keycode (evdev code + 8).
        case key(UInt32, pressed: Bool)
    }

    let x: X11Display
    public let seat: X11Seat
    private var pointerDevice: UnsafeMutablePointer<XDevice>?
    private var keyboardDevice: UnsafeMutablePointer<XDevice>?
    /// Where this input last moved the pointer: a frame carries only the axes that changed.
    public private(set) var position: Point?
    /// What this input holds down now, to release it when its session ends.
    public private(set) var heldButtons: Set<UInt32> = []
    public private(set) var heldKeys: Set<UInt32> = []

    /// Opens `seat`'s XTEST pointer and keyboard.
    /// The corresponding C function is `XOpenDevice`.
    public init(display: X11Display, seat: X11Seat) throws(X11Error) {
        x = display
        self.seat = seat
        let (opened, failed) = display.checked {
            (XOpenDevice(display.display, XID(seat.xtestPointer)), XOpenDevice(display.display, XID(seat.xtestKeyboard)))
        }
        pointerDevice = opened.0
        keyboardDevice = opened.1
        guard !failed, opened.0 != nil, opened.1 != nil else {
            close()
            throw .noSuchSeat(seat.name)
        }
    }

    deinit { close() }

    /// Closes the device handles (also after the seat was removed: the server's complaint
    /// about a device that went with its master is trapped and ignored).
    /// The corresponding C function is `XCloseDevice`.
    public func close() {
        guard pointerDevice != nil || keyboardDevice != nil else { return }
        _ = x.checked {
            if let p = pointerDevice { XCloseDevice(x.display, p) }
            if let k = keyboardDevice { XCloseDevice(x.display, k) }
        }
        pointerDevice = nil
        keyboardDevice = nil
    }

    /// Sends `actions` in order, then waits for the server's answer (one round trip).
    /// The corresponding C functions are `XTestFakeDeviceMotionEvent`,
    /// `XTestFakeDeviceButtonEvent` and `XTestFakeDeviceKeyEvent`.
    public func play(_ actions: [Action], at now: Instant) throws(X11Error) {
        guard let p = pointerDevice, let k = keyboardDevice else { throw .noSuchSeat(seat.name) }
        let (_, failed) = x.checked {
            for a in actions {
                switch a {
                case .move(let to):
                    x.ledger.announce(.motion, detail: 0, at: now)
                    var axes: [Int32] = [to.x, to.y]
                    XTestFakeDeviceMotionEvent(x.display, p, 0, 0, &axes, 2, 0)
                    position = to
                case .button(let b, let down):
                    x.ledger.announce(down ? .buttonPress : .buttonRelease, detail: b, at: now)
                    XTestFakeDeviceButtonEvent(x.display, p, b, down ? 1 : 0, nil, 0, 0)
                    if down { heldButtons.insert(b) } else { heldButtons.remove(b) }
                case .key(let code, let down):
                    x.ledger.announce(down ? .keyPress : .keyRelease, detail: code, at: now)
                    XTestFakeDeviceKeyEvent(x.display, k, code, down ? 1 : 0, nil, 0, 0)
                    if down { heldKeys.insert(code) } else { heldKeys.remove(code) }
                }
            }
        }
        guard !failed else { throw .noSuchSeat(seat.name) }
    }

    /// Plays one evdev frame (what the engine emits for an agent's devices), mapped as
    /// `XTestInjector` maps it: absolute motion, buttons, wheel notches as buttons 4–7,
    /// keys as X keycodes (evdev code + 8); autorepeat is the server's job.
    public func inject(_ frame: Frame, at now: Instant) throws(X11Error) {
        try play(Self.actions(for: frame, from: position), at: now)
    }

    /// Releases every button and key this input holds.
    public func releaseAll(at now: Instant) throws(X11Error) {
        let actions = heldKeys.sorted().map { Action.key($0, pressed: false) } + heldButtons.sorted().map { Action.button($0, pressed: false) }
        guard !actions.isEmpty else { return }
        try play(actions, at: now)
    }

    /// The actions one frame stands for; `position` fills an axis the frame leaves out.
    static func actions(for frame: Frame, from position: Point?) -> [Action] {
        var actions: [Action] = []
        var pos = position
        var moved = false
        for e in frame.events where e.type == EV.abs {
            if e.code == ABS.x { pos = Point(x: e.value, y: pos?.y ?? 0); moved = true }
            if e.code == ABS.y { pos = Point(x: pos?.x ?? 0, y: e.value); moved = true }
        }
        if moved, let p = pos { actions.append(.move(p)) }
        for e in frame.events {
            switch e.type {
            case EV.key:
                if InputMuxCore.KeyCode(e.code).isButton {
                    guard let b = XTestInjector.button(e.code) else { continue }
                    actions.append(.button(b, pressed: e.value != 0))
                } else if e.value != 2 {
                    actions.append(.key(UInt32(e.code) + 8, pressed: e.value != 0))
                }
            case EV.rel where e.code == REL.wheel || e.code == REL.hwheel:
                let b: UInt32 = e.code == REL.wheel ? (e.value > 0 ? 4 : 5) : (e.value > 0 ? 7 : 6)
                for _ in 0..<Int(e.value.magnitude) {
                    actions.append(.button(b, pressed: true))
                    actions.append(.button(b, pressed: false))
                }
            default:
                break
            }
        }
        return actions
    }
}
