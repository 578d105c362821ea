import InputMuxCore
import InputMuxLinux
import InputMuxX11

/// `[output] mode = "xtest"` (DESIGN §8: X displays without uinput, such as Xvfb agent
/// sandboxes): every session's frames go into the X server through XTest instead of
/// per-session uinput devices. The sessions share the server's one XTEST pointer and
/// keyboard, which is safe because the engine runs one gesture at a time on the seat and
/// neutralizes what a session leaves held, exactly as with uinput.
/// Used on the engine thread only (it writes on the daemon's X connection).
final class XTestOutput {
    private let injector: XTestInjector
    /// What each hello reply lists under `devices`.
    let devices: [String: String]

    init(display: X11Display) {
        injector = XTestInjector(display: display)
        devices = ["pointer": "xtest:\(display.name)", "keyboard": "xtest:\(display.name)"]
    }

    func write(_ frame: Frame, to device: DeviceRef) {
        guard let s = device.session else { return }
        injector.inject(frame, session: s.rawValue, at: MonotonicClock.now())
    }

    /// The session ended.
    func forget(_ session: SessionID) { injector.forget(session: session.rawValue) }
}
