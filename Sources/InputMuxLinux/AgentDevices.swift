import CInputMuxShim
import InputMuxCore

/// One virtual device of an agent session: a uinput device plus what it holds down.
public final class AgentDevice {
    public enum Role: String, Sendable { case pointer, keyboard }

    public let role: Role
    public let session: SessionID
    public let device: UinputDevice
    public private(set) var held = HeldInputs()

    public var devnode: String { device.devnode }
    public var name: String { device.spec.name }

    init(role: Role, session: SessionID, spec: UinputSpec, settleTimeout: Duration) throws(DeviceError) {
        self.role = role
        self.session = session
        device = try UinputDevice(spec, settleTimeout: settleTimeout)
    }

    deinit { destroy() }

    /// Writes the frame's events and a `SYN_REPORT`, remembering what is now held.
    public func write(_ frame: Frame) throws(DeviceError) {
        try device.write(frame)
        held.note(frame)
    }

    /// Releases whatever is held (reverse press order), in one frame.
    public func releaseAll() throws(DeviceError) {
        guard let release = held.releaseFrame() else { return }
        try device.write(release)
        held.removeAll()
    }

    /// Releases what is held, then removes the device.
    public func destroy() {
        try? releaseAll()
        device.destroy()
    }
}

/// A session's pointer and keyboard (DESIGN §5).
///
/// The pointer is an absolute mouse, like a VM's tablet: `ABS_X`/`ABS_Y` over the desktop
/// plus mouse buttons and no `INPUT_PROP_DIRECT`, which udev tags `ID_INPUT_MOUSE` and
/// libinput handles as a pointer with absolute motion (a touchscreen or tablet would need
/// touch or tool events instead). It also declares `BTN_TOUCH`, never sent, so that joydev
/// leaves it alone (see `pointerSpec`). Wheel and horizontal wheel come
/// with their hi-res axes so that scrolling is smooth where the client supports it.
public final class AgentDevices {
    public let pointer: AgentDevice
    public let keyboard: AgentDevice
    public let desktop: Region

    /// Creates both devices; returns once both nodes exist and udev has processed them.
    public init(name: String, session: SessionID, desktop: Region, settleTimeout: Duration = .seconds(5)) throws(DeviceError) {
        self.desktop = desktop
        pointer = try AgentDevice(role: .pointer, session: session,
                                  spec: Self.pointerSpec(name: name, session: session, desktop: desktop),
                                  settleTimeout: settleTimeout)
        keyboard = try AgentDevice(role: .keyboard, session: session,
                                   spec: Self.keyboardSpec(name: name, session: session),
                                   settleTimeout: settleTimeout)
    }

    /// Releases everything held, keyboard first (modifiers must not outlive a click), then
    /// removes both devices.
    public func destroy() {
        keyboard.destroy()
        pointer.destroy()
    }

    /// `inputmux agent NAME#SID pointer`, with NAME shortened to fit the kernel's 80 bytes.
    public static func deviceName(name: String, session: SessionID, role: AgentDevice.Role) -> String {
        let suffix = "#\(session.rawValue) \(role.rawValue)"
        let prefix = "inputmux agent "
        let room = 79 - prefix.utf8.count - suffix.utf8.count
        var shortName = ""
        for ch in name where shortName.utf8.count + String(ch).utf8.count <= room { shortName.append(ch) }
        return prefix + shortName + suffix
    }

    /// Pixels per millimetre announced on the axes: about 96 dpi, the usual logical density.
    public static let pixelsPerMillimetre: Int32 = 4

    public static func pointerSpec(name: String, session: SessionID, desktop: Region) -> UinputSpec {
        var spec = UinputSpec(
            name: deviceName(name: name, session: session, role: .pointer),
            identity: DeviceIdentity(bustype: ReservedIdentity.bustype, vendor: ReservedIdentity.vendor,
                                     product: ReservedIdentity.agentPointerProduct,
                                     version: UInt16(truncatingIfNeeded: session.rawValue)),
            phys: ReservedIdentity.agentPhys(session: session.rawValue, role: "pointer"))
        // BTN_TOUCH is declared and never sent: it puts the pointer on joydev's blacklist
        // (drivers/input/joydev.c skips every key device with BTN_TOUCH), which otherwise
        // takes an absolute device with more than left/right/middle for a joystick and
        // spends a fourth input minor of the session on a js node. udev still tags it
        // ID_INPUT_MOUSE: its input_id tests BTN_LEFT before BTN_TOUCH.
        spec.keys = MouseButton.allCases.map(\.code) + [UInt16(BTN_TOUCH)]
        spec.relative = [REL.wheel, REL.hwheel, REL.wheelHiRes, REL.hwheelHiRes]
        let w = max(desktop.width, 1), h = max(desktop.height, 1)
        spec.absolute = [
            (ABS.x, AbsAxis(minimum: desktop.x, maximum: desktop.x + w - 1, resolution: pixelsPerMillimetre)),
            (ABS.y, AbsAxis(minimum: desktop.y, maximum: desktop.y + h - 1, resolution: pixelsPerMillimetre)),
        ]
        return spec
    }

    /// The ordinary key codes (1–248) but the machine keys (power, sleep, radios, display:
    /// `MachineKeys.removedKeys`, which the kernel then refuses from agents), and
    /// `MSC_SCAN` so that frames carrying scan codes pass. No `EV_REP`: agents hold keys
    /// on purpose and the daemon paces repeats itself.
    public static func keyboardSpec(name: String, session: SessionID) -> UinputSpec {
        var spec = UinputSpec(
            name: deviceName(name: name, session: session, role: .keyboard),
            identity: DeviceIdentity(bustype: ReservedIdentity.bustype, vendor: ReservedIdentity.vendor,
                                     product: ReservedIdentity.agentKeyboardProduct,
                                     version: UInt16(truncatingIfNeeded: session.rawValue)),
            phys: ReservedIdentity.agentPhys(session: session.rawValue, role: "keyboard"))
        spec.keys = AgentDeviceProfile.keyboardKeys
        spec.misc = [MSC.scan]
        return spec
    }
}
