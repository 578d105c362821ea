import InputMuxCore
import InputMuxLinux
import InputMuxX11

/// `[output] mode = "xtest"` (DESIGN §8: X displays without uinput, such as Xvfb agent
/// sandboxes): every session's frames go into the X server through XTest instead of
/// per-session uinput devices. The sessions share the server's one XTEST pointer and
/// keyboard, which is safe because the engine runs one gesture at a time on the seat and
/// neutralizes what a session leaves held, exactly as with uinput; or each session's own
/// seat's XTEST devices (`AgentSeats`), where gestures run side by side.
/// Used on the engine thread only (it writes on the daemon's X connection).
final class XTestOutput {
    private let injector: XTestInjector
    /// What each hello reply lists under `devices`.
    let devices: [String: String]

    /// Sessions on seats of their own inject through their seat's XTEST devices.
    private let seats: AgentSeats?

    init(display: X11Display, seats: AgentSeats?) {
        injector = XTestInjector(display: display)
        self.seats = seats
        devices = ["pointer": "xtest:\(display.name)", "keyboard": "xtest:\(display.name)"]
    }

    func write(_ frame: Frame, to device: DeviceRef) {
        guard let s = device.session else { return }
        if let own = seats?.input(of: s) {
            do throws(X11Error) { try own.inject(frame, at: MonotonicClock.now()) } catch {
                // The seat went (its session is ending); the engine neutralizes the rest.
            }
            return
        }
        injector.inject(frame, session: s.rawValue, at: MonotonicClock.now())
    }

    /// The session ended.
    func forget(_ session: SessionID) { injector.forget(session: session.rawValue) }
}
