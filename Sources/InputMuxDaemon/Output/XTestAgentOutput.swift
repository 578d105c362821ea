import InputMuxCore
import InputMuxLinux
import InputMuxX11

/// Every session's frames go into the X server through XTest (DESIGN §8: X displays
/// without uinput, such as Xvfb agent sandboxes). The sessions share the server's one
/// XTEST pointer and keyboard, which is safe because the engine runs one gesture at a
/// time on the seat and neutralizes what a session leaves held, exactly as with uinput.
final class XTestAgentOutput: AgentOutput {
    private let injector: XTestInjector
    private let displayName: String

    init(display: X11Display) {
        injector = XTestInjector(display: display)
        displayName = display.name
    }

    func create(_ identity: AgentIdentity) throws -> [String: String] {
        ["pointer": "xtest:\(displayName)", "keyboard": "xtest:\(displayName)"]
    }

    func write(_ frame: Frame, to device: DeviceRef) {
        guard let s = device.session else { return }
        injector.inject(frame, session: s.rawValue, at: MonotonicClock.now())
    }

    func destroy(_ session: SessionID) { injector.forget(session: session.rawValue) }
    func retire() {}
    func beginShutdown() {}
    func destroyAll() {}
}
