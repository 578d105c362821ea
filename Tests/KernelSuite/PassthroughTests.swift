import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

enum PassthroughTests {
    static func cloneKeepsDescription() throws {
        for spec in [HumanDevices.keyboard("c"), HumanDevices.mouse("c"), HumanDevices.touchpad("c")] {
            let original = try UinputDevice(spec)
            let device = try PhysicalDevice(path: original.devnode)
            let clone = try PassthroughClone(of: device)
            let seen = try PhysicalDevice(path: clone.devnode)
            try expectEqual(seen.name, device.name, "clone name")
            try expectEqual(seen.identity, device.identity, "clone ids of \(spec.name)")
            try expectEqual(seen.capabilities, device.capabilities, "clone capabilities of \(spec.name)")
            try expectEqual(seen.phys, ReservedIdentity.clonePhys(of: spec.phys!), "clone phys")
            try expectEqual(device.phys, spec.phys!, "the original's phys is unchanged")
            for code in device.capabilities.absolute.codes {
                try expectEqual(seen.absAxis(code), device.absAxis(code), "axis \(code) of \(spec.name)")
            }
        }
    }

    /// A keyboard with a pointing stick: keys, scan codes, motion, buttons and wheel in one stream.
    static func comboSpec() -> UinputSpec {
        var spec = HumanDevices.keyboard("combo")
        spec.keys += MouseButton.allCases.map(\.code)
        spec.relative = [REL.x, REL.y, REL.wheel]
        return spec
    }

    /// Frames the kernel passes on unchanged: no repeated key state, no zero motion.
    static func makeFrames(_ count: Int, seed: UInt64) -> [Frame] {
        var rng = SplitMix(state: seed)
        var down = Set<UInt16>()
        var frames: [Frame] = []
        let keys: [UInt16] = Array(16...50).map { UInt16($0) } + [MouseButton.left.code, MouseButton.right.code]
        func nonZero(_ r: inout SplitMix) -> Int32 { let v = Int32(r.below(40)) - 20; return v == 0 ? 7 : v }
        for _ in 0..<count {
            var events: [EvdevEvent] = []
            switch rng.below(4) {
            case 0:
                events = [HumanDevices.rel(REL.x, nonZero(&rng)), HumanDevices.rel(REL.y, nonZero(&rng))]
            case 1, 2:
                let k = keys[rng.below(keys.count)]
                let value: Int32 = down.contains(k) ? 0 : 1
                if value == 1 { down.insert(k) } else { down.remove(k) }
                events = [HumanDevices.scan(0x70000 + Int32(k)), EvdevEvent(type: EV.key, code: k, value: value)]
            default:
                events = [HumanDevices.rel(REL.x, nonZero(&rng)), HumanDevices.rel(REL.wheel, rng.below(2) == 0 ? -1 : 1)]
            }
            frames.append(Frame(events))
        }
        // In frames of four: the input core splits a frame larger than its per-device
        // packet estimate (about ten events for this device) with a SYN_REPORT of its own.
        let releases = down.sorted().map { EvdevEvent(type: EV.key, code: $0, value: 0) }
        for start in stride(from: 0, to: releases.count, by: 4) {
            frames.append(Frame(Array(releases[start..<min(start + 4, releases.count)])))
        }
        return frames
    }

    static func ledFeedback() throws {
        var spec = HumanDevices.keyboard("leds")
        spec.leds = [UInt16(LED_NUML), UInt16(LED_CAPSL), UInt16(LED_SCROLLL)]
        let human = try UinputDevice(spec)
        let passthrough = try Passthrough(device: try PhysicalDevice(path: human.devnode))
        defer { passthrough.close() }
        try expect(passthrough.device.isWritable, "the physical node was opened read-only as root")
        // The compositor's side: Caps Lock turned on, written to the clone's node.
        let compositor = open(passthrough.clone.devnode, O_WRONLY | O_CLOEXEC)
        try expect(compositor >= 0, "cannot open the clone for writing: errno \(errno)")
        writeRawFrame(fd: compositor, [EvdevEvent(type: UInt16(EV_LED), code: UInt16(LED_CAPSL), value: 1)])
        close(compositor)
        var pfd = pollfd(fd: passthrough.feedbackDescriptor, events: Int16(POLLIN), revents: 0)
        try expect(poll(&pfd, 1, 2000) == 1, "the clone's uinput fd never became readable after the LED write")
        let passed = try passthrough.feedback()
        try expectEqual(passed, 1, "LED events passed back to the physical device")
        let physical = try EvdevReader(human.devnode)
        try expectEqual(try physical.ledsOn(), [UInt16(LED_CAPSL)], "LEDs on at the physical device")
    }

    static func grabAndForward() throws {
        let human = try UinputDevice(comboSpec())
        let device = try PhysicalDevice(path: human.devnode)
        let passthrough = try Passthrough(device: device)
        defer { passthrough.close() }
        try expect(device.isGrabbed, "not grabbed after Passthrough(device:)")
        let other = try EvdevReader(human.devnode)
        let cloneReader = try EvdevReader(passthrough.clone.devnode)
        let frames = makeFrames(5000, seed: 42)
        var index = 0
        while index < frames.count {
            let batch = frames[index..<min(index + 8, frames.count)]
            for f in batch { try human.write(f) }
            var forwarded = 0
            let start = MonotonicClock.now()
            while forwarded < batch.count && MonotonicClock.now() - start < .seconds(2) {
                forwarded += try passthrough.pump()
                if forwarded < batch.count { _ = device.waitReadable(timeout: .milliseconds(100)) }
            }
            try expectEqual(forwarded, batch.count, "frames forwarded for batch at \(index)")
            let got = cloneReader.readFrames(count: batch.count, timeout: .seconds(2))
            try expectEqual(got.count, batch.count, "frames on the clone for batch at \(index)")
            for (i, (want, have)) in zip(batch, got).enumerated() where want != have {
                throw TestFailure("frame \(index + i) differs on the clone: wrote \(want), read \(have)")
            }
            index += batch.count
        }
        let leaked = other.readAvailable()
        try expect(leaked.isEmpty, "another reader of the grabbed node received \(leaked.count) frames, e.g. \(leaked.first!)")
        try expectEqual(device.resyncCount, 0, "SYN_DROPPED while pumping in small batches")
        note("\(frames.count) frames carried unchanged; the other reader got none")
    }
}
