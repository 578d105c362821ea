import CInputMuxShim
import InputMuxCore
import InputMuxLinux

/// uinput devices with ordinary (non-reserved) ids that play the human's hardware.
enum HumanDevices {
    static let letterKeys: [UInt16] = Array(1...88).map { UInt16($0) }

    static func keyboard(_ tag: String = "kbd") -> UinputSpec {
        var spec = UinputSpec(name: "Test Human Keyboard \(tag)",
                              identity: DeviceIdentity(bustype: UInt16(BUS_USB), vendor: 0x046d, product: 0xc31c, version: 0x0111),
                              phys: "usb-0000:00:14.0-1/input0-\(tag)")
        spec.keys = letterKeys
        spec.misc = [MSC.scan]
        return spec
    }

    static func mouse(_ tag: String = "mouse") -> UinputSpec {
        var spec = UinputSpec(name: "Test Human Mouse \(tag)",
                              identity: DeviceIdentity(bustype: UInt16(BUS_USB), vendor: 0x046d, product: 0xc077, version: 0x0111),
                              phys: "usb-0000:00:14.0-2/input0-\(tag)")
        spec.keys = MouseButton.allCases.map(\.code)
        spec.relative = [REL.x, REL.y, REL.wheel, REL.hwheel]
        spec.misc = [MSC.scan]
        return spec
    }

    static func touchpad(_ tag: String = "touchpad") -> UinputSpec {
        var spec = UinputSpec(name: "Test Human Touchpad \(tag)",
                              identity: DeviceIdentity(bustype: UInt16(BUS_I2C), vendor: 0x06cb, product: 0xcd8b, version: 0x0100),
                              phys: "i2c-TEST0001:00-\(tag)")
        spec.keys = [UInt16(BTN_LEFT), UInt16(BTN_TOUCH), UInt16(BTN_TOOL_FINGER), UInt16(BTN_TOOL_DOUBLETAP),
                     UInt16(BTN_TOOL_TRIPLETAP)]
        spec.absolute = [
            (UInt16(ABS_X), AbsAxis(minimum: 0, maximum: 3000, resolution: 30)),
            (UInt16(ABS_Y), AbsAxis(minimum: 0, maximum: 2000, resolution: 30)),
            (UInt16(ABS_MT_SLOT), AbsAxis(minimum: 0, maximum: 4)),
            (UInt16(ABS_MT_POSITION_X), AbsAxis(minimum: 0, maximum: 3000, resolution: 30)),
            (UInt16(ABS_MT_POSITION_Y), AbsAxis(minimum: 0, maximum: 2000, resolution: 30)),
            (UInt16(ABS_MT_TRACKING_ID), AbsAxis(minimum: 0, maximum: 65535)),
        ]
        spec.properties = [UInt16(INPUT_PROP_POINTER), UInt16(INPUT_PROP_BUTTONPAD)]
        return spec
    }

    static func key(_ code: Int32, _ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.key, code: UInt16(code), value: value) }
    static func rel(_ code: UInt16, _ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.rel, code: code, value: value) }
    static func abs(_ code: UInt16, _ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.abs, code: code, value: value) }
    static func scan(_ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.msc, code: MSC.scan, value: value) }
}
