import CInputMuxShim
import SystemPackage

/// A set of evdev codes as the kernel reports it: a little-endian bit array.
public struct EvdevBits: Hashable, Sendable {
    public private(set) var bytes: [UInt8]

    public init(byteCount: Int) { bytes = [UInt8](repeating: 0, count: byteCount) }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public func contains(_ code: Int32) -> Bool {
        let i = Int(code) / 8
        return code >= 0 && i < bytes.count && bytes[i] & (1 << UInt8(code % 8)) != 0
    }

    public mutating func insert(_ code: Int32) {
        let i = Int(code) / 8
        if code >= 0 && i < bytes.count { bytes[i] |= 1 << UInt8(code % 8) }
    }

    /// Every code in the set, ascending.
    public var codes: [UInt16] {
        var out: [UInt16] = []
        for (i, b) in bytes.enumerated() where b != 0 {
            for bit in 0..<8 where b & (1 << UInt8(bit)) != 0 { out.append(UInt16(i * 8 + bit)) }
        }
        return out
    }

    var isEmpty: Bool { bytes.allSatisfy { $0 == 0 } }
}

/// What a device can report: event types, codes per type and input properties.
public struct DeviceCapabilities: Hashable, Sendable {
    public var events = EvdevBits(byteCount: Int(EV_MAX) / 8 + 1)
    public var keys = EvdevBits(byteCount: Int(KEY_MAX) / 8 + 1)
    public var relative = EvdevBits(byteCount: Int(REL_MAX) / 8 + 1)
    public var absolute = EvdevBits(byteCount: Int(ABS_MAX) / 8 + 1)
    public var properties = EvdevBits(byteCount: Int(INPUT_PROP_MAX) / 8 + 1)
    public var misc = EvdevBits(byteCount: Int(MSC_MAX) / 8 + 1)
    public var leds = EvdevBits(byteCount: Int(LED_MAX) / 8 + 1)
    public var switches = EvdevBits(byteCount: Int(SW_MAX) / 8 + 1)

    public init() {}

    /// Reads the capabilities of an open evdev node.
    ///
    /// The corresponding C functions are `ioctl(EVIOCGBIT(…))` and `ioctl(EVIOCGPROP(…))`.
    public init(reading fd: FileDescriptor, path: String) throws(DeviceError) {
        events = try Self.read(fd, path, EvdevBits(byteCount: Int(EV_MAX) / 8 + 1)) { inputmux_eviocgbit(0, $0) }
        keys = try Self.read(fd, path, keys) { inputmux_eviocgbit(UInt32(EV_KEY), $0) }
        relative = try Self.read(fd, path, relative) { inputmux_eviocgbit(UInt32(EV_REL), $0) }
        absolute = try Self.read(fd, path, absolute) { inputmux_eviocgbit(UInt32(EV_ABS), $0) }
        properties = try Self.read(fd, path, properties) { inputmux_eviocgprop($0) }
        misc = try Self.read(fd, path, misc) { inputmux_eviocgbit(UInt32(EV_MSC), $0) }
        leds = try Self.read(fd, path, leds) { inputmux_eviocgbit(UInt32(EV_LED), $0) }
        switches = try Self.read(fd, path, switches) { inputmux_eviocgbit(UInt32(EV_SW), $0) }
    }

    private static func read(_ fd: FileDescriptor, _ path: String, _ empty: EvdevBits,
                             _ request: (UInt32) -> UInt) throws(DeviceError) -> EvdevBits {
        var bytes = empty.bytes
        let result = bytes.withUnsafeMutableBytes { raw in
            Ioctl.pointer(fd, request(UInt32(raw.count)), raw.baseAddress!)
        }
        if case .failure(let e) = result { throw DeviceError.operating("EVIOCGBIT", path, e) }
        return EvdevBits(bytes: bytes)
    }

    /// What kind of human input device this is, judged from capabilities only
    /// (names lie; capabilities are what libinput and udev judge by too).
    public var classes: DeviceClasses {
        var c: DeviceClasses = []
        let hasKey = events.contains(EV_KEY)
        // The letter rows: enough to tell a keyboard from a power button or a headset.
        let typingKeys: [Int32] = [KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_A, KEY_S, KEY_D, KEY_F,
                                   KEY_Z, KEY_X, KEY_C, KEY_V, KEY_SPACE, KEY_ENTER]
        if hasKey && typingKeys.allSatisfy(keys.contains) { c.insert(.keyboard) }

        if events.contains(EV_REL) && relative.contains(REL_X) && relative.contains(REL_Y)
            && hasKey && keys.contains(BTN_LEFT) {
            c.insert(.mouse)
        }

        let hasAbsXY = events.contains(EV_ABS)
            && ((absolute.contains(ABS_X) && absolute.contains(ABS_Y))
                || (absolute.contains(ABS_MT_POSITION_X) && absolute.contains(ABS_MT_POSITION_Y)))
        if hasAbsXY {
            let direct = properties.contains(INPUT_PROP_DIRECT)
            let pen = keys.contains(BTN_TOOL_PEN) || keys.contains(BTN_STYLUS)
            if keys.contains(BTN_TOUCH) && keys.contains(BTN_TOOL_FINGER) && !direct && !pen {
                c.insert(.touchpad)
            } else if keys.contains(BTN_LEFT) || keys.contains(BTN_TOUCH) || pen || direct {
                // Tablets, touchscreens and absolute mice (VM tablets); joysticks have none of these.
                c.insert(.absolutePointer)
            }
        }
        return c
    }
}

/// The kinds of human input device InputMux passes through.
public struct DeviceClasses: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let keyboard = DeviceClasses(rawValue: 1)
    /// A relative pointer with buttons.
    public static let mouse = DeviceClasses(rawValue: 2)
    public static let touchpad = DeviceClasses(rawValue: 4)
    /// Tablet, touchscreen or absolute mouse.
    public static let absolutePointer = DeviceClasses(rawValue: 8)

    public var description: String {
        var parts: [String] = []
        if contains(.keyboard) { parts.append("keyboard") }
        if contains(.mouse) { parts.append("mouse") }
        if contains(.touchpad) { parts.append("touchpad") }
        if contains(.absolutePointer) { parts.append("absolute-pointer") }
        return parts.isEmpty ? "none" : parts.joined(separator: "+")
    }
}

/// The ids of `struct input_id`.
public struct DeviceIdentity: Hashable, Sendable, CustomStringConvertible {
    public var bustype: UInt16
    public var vendor: UInt16
    public var product: UInt16
    public var version: UInt16

    public init(bustype: UInt16, vendor: UInt16, product: UInt16, version: UInt16) {
        self.bustype = bustype; self.vendor = vendor; self.product = product; self.version = version
    }

    public var description: String {
        func hex(_ v: UInt16) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 4 - s.count) + s }
        return "bus \(hex(bustype)) vendor \(hex(vendor)) product \(hex(product)) version \(hex(version))"
    }
}
