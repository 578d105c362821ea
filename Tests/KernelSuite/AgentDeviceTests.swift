import CInputMuxShim
import InputMuxCore
import InputMuxLinux

enum AgentDeviceTests {
    static let desktop = Region(x: 0, y: 0, width: 2000, height: 1000)

    static func key(_ code: Int32, _ v: Int32) -> EvdevEvent { HumanDevices.key(code, v) }

    /// Pointer frames covering every button and both wheels.
    static let pointerFrames: [Frame] = [
        Frame([HumanDevices.abs(ABS.x, 500), HumanDevices.abs(ABS.y, 250)]),
        Frame([key(BTN_LEFT, 1)]), Frame([key(BTN_LEFT, 0)]),
        Frame([key(BTN_RIGHT, 1)]), Frame([key(BTN_RIGHT, 0)]),
        Frame([key(BTN_MIDDLE, 1)]), Frame([key(BTN_MIDDLE, 0)]),
        Frame([key(BTN_SIDE, 1)]), Frame([key(BTN_SIDE, 0)]),
        Frame([key(BTN_EXTRA, 1)]), Frame([key(BTN_EXTRA, 0)]),
        // Wheel down one notch, then horizontal wheel right one notch.
        Frame([HumanDevices.rel(REL.wheel, -1), HumanDevices.rel(REL.wheelHiRes, -REL.hiResPerNotch)]),
        Frame([HumanDevices.rel(REL.hwheel, 1), HumanDevices.rel(REL.hwheelHiRes, REL.hiResPerNotch)]),
        Frame([HumanDevices.abs(ABS.x, 1999), HumanDevices.abs(ABS.y, 999)]),
    ]

    static let keyboardFrames: [Frame] = [
        Frame([key(KEY_A, 1)]), Frame([key(KEY_A, 0)]),
        Frame([key(KEY_LEFTSHIFT, 1)]), Frame([key(KEY_B, 1)]), Frame([key(KEY_B, 0)]), Frame([key(KEY_LEFTSHIFT, 0)]),
        Frame([key(KEY_F12, 1)]), Frame([key(KEY_F12, 0)]),
    ]

    static func evdevReadback() throws {
        let agents = try AgentDevices(name: "reader", session: SessionID(7), desktop: desktop)
        defer { agents.destroy() }
        try expectEqual(agents.pointer.name, "inputmux agent reader#7 pointer", "pointer name")
        try expectEqual(agents.keyboard.name, "inputmux agent reader#7 keyboard", "keyboard name")

        let pointer = try PhysicalDevice(path: agents.pointer.devnode)
        try expectEqual(pointer.name, "inputmux agent reader#7 pointer", "pointer name read back")
        try expectEqual(pointer.phys, "inputmux/agent/7/pointer", "pointer phys")
        try expectEqual(pointer.identity, DeviceIdentity(bustype: ReservedIdentity.bustype, vendor: ReservedIdentity.vendor,
                                                         product: ReservedIdentity.agentPointerProduct, version: 7), "pointer ids")
        try expectEqual(pointer.absAxis(ABS.x)?.maximum, 1999, "ABS_X maximum")
        try expectEqual(pointer.absAxis(ABS.y)?.maximum, 999, "ABS_Y maximum")
        try expectEqual(pointer.absAxis(ABS.x)?.resolution, AgentDevices.pixelsPerMillimetre, "ABS_X resolution")
        try expect(!pointer.capabilities.properties.contains(INPUT_PROP_DIRECT), "pointer must not be INPUT_PROP_DIRECT")
        try expectEqual(pointer.classes, .absolutePointer, "pointer classes")
        let keyboard = try PhysicalDevice(path: agents.keyboard.devnode)
        try expectEqual(keyboard.classes, .keyboard, "keyboard classes")
        try expectEqual(keyboard.phys, "inputmux/agent/7/keyboard", "keyboard phys")

        let pointerReader = try EvdevReader(agents.pointer.devnode)
        let keyboardReader = try EvdevReader(agents.keyboard.devnode)
        for f in pointerFrames { try agents.pointer.write(f) }
        for f in keyboardFrames { try agents.keyboard.write(f) }
        try expectEqual(pointerReader.readFrames(count: pointerFrames.count, timeout: .seconds(2)), pointerFrames, "pointer frames read back")
        try expectEqual(keyboardReader.readFrames(count: keyboardFrames.count, timeout: .seconds(2)), keyboardFrames, "keyboard frames read back")
        try expect(agents.keyboard.held.codes.isEmpty && agents.pointer.held.codes.isEmpty, "nothing should be held")
    }

    static func destroyReleases() throws {
        let agents = try AgentDevices(name: "holder", session: SessionID(8), desktop: desktop)
        let reader = try EvdevReader(agents.keyboard.devnode)
        try agents.keyboard.write(Frame([key(KEY_LEFTCTRL, 1)]))
        try agents.keyboard.write(Frame([key(KEY_LEFTSHIFT, 1)]))
        try agents.keyboard.write(Frame([key(KEY_T, 1)]))
        try agents.pointer.write(Frame([key(BTN_LEFT, 1)]))
        try expectEqual(agents.keyboard.held.codes, [UInt16(KEY_LEFTCTRL), UInt16(KEY_LEFTSHIFT), UInt16(KEY_T)], "held keys")
        try expectEqual(try reader.keysDown(), [UInt16(KEY_LEFTCTRL), UInt16(KEY_LEFTSHIFT), UInt16(KEY_T)].sorted(), "kernel key state")
        _ = reader.readAvailable()

        // The release path destroy() takes, observed while the device still exists.
        try agents.keyboard.releaseAll()
        let frames = reader.readFrames(count: 1, timeout: .seconds(1))
        try expectEqual(frames, [Frame([key(KEY_T, 0), key(KEY_LEFTSHIFT, 0), key(KEY_LEFTCTRL, 0)])], "release frame (reverse order)")
        try expect(try reader.keysDown().isEmpty, "keys still down after releaseAll")

        let pointerNode = agents.pointer.devnode
        let pointerReader = try EvdevReader(pointerNode)
        try expectEqual(try pointerReader.keysDown(), [MouseButton.left.code], "button held before destroy")
        agents.destroy()
        try expect(agents.pointer.held.codes.isEmpty && agents.keyboard.held.codes.isEmpty, "held state not cleared by destroy")
        _ = pointerReader.readAvailable()
        try expect(pointerReader.gone, "the pointer node still reads after destroy")
    }
}
