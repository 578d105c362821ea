/// What the per-agent virtual devices can emit (DESIGN §5 "Per-agent devices"), as the
/// pure core sees it: raw frames may only use these codes, so a raw client cannot reach
/// a capability the device layer did not declare (the kernel would drop it silently) or
/// smuggle events of another type (EV_LED, EV_SND, force feedback...).
public enum AgentDeviceProfile {
    /// The block agent keyboard keys come from: KEY_ESC…KEY_MICMUTE (1…248).
    /// Buttons (0x100…) belong to the pointer.
    public static let keyboardBlock: ClosedRange<UInt16> = 1...248

    /// Keyboard keys an agent keyboard has: the block without the machine keys (power,
    /// sleep, radios, display: `MachineKeys.removedKeys`), which act on the whole machine,
    /// so the kernel itself refuses them. The device layer declares exactly these.
    public static let keyboardKeys: [UInt16] = keyboardBlock.filter { MachineKeys.removedKey(KeyCode($0)) == nil }

    @inlinable
    public static func keyboardHas(_ key: KeyCode) -> Bool {
        keyboardBlock.contains(key.rawValue) && MachineKeys.removedKey(key) == nil
    }

    /// Whether the agent device of kind `device` has this event's type and code.
    @inlinable
    public static func has(_ e: EvdevEvent, on device: Gesture.RawDevice) -> Bool {
        switch (device, e.type) {
        case (.keyboard, EV.key): return keyboardHas(KeyCode(e.code))
        // The pointer also declares BTN_TOUCH, only to keep joydev off it
        // (AgentDevices.pointerSpec in the device layer): nobody may send it.
        case (.pointer, EV.key): return e.code >= MouseButton.left.code && e.code <= MouseButton.forward.code
        case (.pointer, EV.rel):
            return e.code == REL.wheel || e.code == REL.hwheel || e.code == REL.wheelHiRes || e.code == REL.hwheelHiRes
        case (.pointer, EV.abs): return e.code == ABS.x || e.code == ABS.y
        case (_, EV.msc): return e.code == MSC.scan
        default: return false
        }
    }
}

extension KeyCode {
    /// Modifier keys: pressed first and released last in chords.
    @inlinable
    public var isModifier: Bool {
        switch rawValue {
        case 29, 97, 42, 54, 56, 100, 125, 126: true  // ctrl, shift, alt, meta (left and right)
        default: false
        }
    }
}
