import CInputMuxShim
import InputMuxCore
import InputMuxLinux

enum ResyncTests {
    static func floodAndResync() throws {
        let human = try UinputDevice(HumanDevices.keyboard("flood"))
        let passthrough = try Passthrough(device: try PhysicalDevice(path: human.devnode))
        defer { passthrough.close() }
        let cloneReader = try EvdevReader(passthrough.clone.devnode)

        // 2000 frames unread overflow evdev's per-client buffer (a few hundred events).
        var rng = SplitMix(state: 7)
        var down = Set<UInt16>()
        let keys: [UInt16] = Array(16...50).map { UInt16($0) }
        for _ in 0..<2000 {
            let k = keys[rng.below(keys.count)]
            let value: Int32 = down.contains(k) ? 0 : 1
            if value == 1 { down.insert(k) } else { down.remove(k) }
            try human.write(Frame([EvdevEvent(type: EV.key, code: k, value: value)]))
        }
        // End in a known state: exactly Shift and B held.
        for k in down.sorted() { try human.write(Frame([EvdevEvent(type: EV.key, code: k, value: 0)])) }
        try human.write(Frame([HumanDevices.key(KEY_LEFTSHIFT, 1)]))
        try human.write(Frame([HumanDevices.key(KEY_B, 1)]))
        let want = [UInt16(KEY_LEFTSHIFT), UInt16(KEY_B)].sorted()

        while try passthrough.pump() > 0 {}
        let device = passthrough.device
        try expect(device.resyncCount >= 1, "the kernel dropped nothing (no SYN_DROPPED): the flood was too small")
        for k in keys + [UInt16(KEY_LEFTSHIFT)] {
            try expectEqual(device.isKeyDown(k), want.contains(k), "tracked state of key \(k) after resync")
        }
        try expectEqual(try device.keysDown(), want, "kernel state of the physical device")
        _ = cloneReader.readAvailable()
        try expectEqual(try cloneReader.keysDown(), want, "keys down on the clone after the resync")
        note("\(device.resyncCount) SYN_DROPPED resync(s)")
    }
}
