import InputMuxCore
import InputMuxLinux

enum HotplugTests {
    static func addAndRemove() throws {
        let monitor = try HotplugMonitor()
        _ = monitor.drain()
        // Not waiting for udevd: the clock runs from the kernel's creation of the device.
        var human: UinputDevice? = try UinputDevice(HumanDevices.mouse("hotplug"), waitForUdev: false)
        let node = human!.devnode
        // Counted from the kernel's creation of the device: what udev and we add to it.
        let start = human!.createdAt
        var added: HotplugEvent?
        while added == nil, MonotonicClock.now() - start < .seconds(1) {
            if let e = monitor.next(timeout: .seconds(1) - (MonotonicClock.now() - start)),
               e.action == .added, e.devnode == node { added = e }
        }
        guard let added else { throw TestFailure("no add of \(node) reported within 1 s") }
        let discovered = try DeviceDiscovery().inspect(devnode: added.devnode, syspath: added.syspath, udevMarked: added.udevMarked)
        try expect(discovered.isHumanInput, "hotplugged mouse not taken as human input: \(discovered)")
        let device = try PhysicalDevice(path: node)
        try device.grabSafely()
        let grabbedAfter = MonotonicClock.now() - start
        try expect(grabbedAfter < .seconds(1), "grabbed \(grabbedAfter) after the kernel created the device (goal: within 1 s)")
        let passthrough = try Passthrough(device: device)

        let removeStart = MonotonicClock.now()
        human = nil  // closing the uinput fd unplugs it
        var removed = false
        while !removed, MonotonicClock.now() - removeStart < .seconds(1) {
            if let e = monitor.next(timeout: .seconds(1) - (MonotonicClock.now() - removeStart)),
               e.action == .removed, e.devnode == node { removed = true }
        }
        try expect(removed, "no remove of \(node) reported within 1 s")
        // The daemon learns it from the read too: the grabbed node reports the device gone.
        do {
            try passthrough.pump()
            throw TestFailure("reading the removed device did not fail")
        } catch let error as DeviceError {
            guard case .deviceGone = error else { throw TestFailure("reading the removed device: \(error), expected deviceGone") }
        }
        passthrough.close()
        note("added and grabbed in \(grabbedAfter), removal reported in \(MonotonicClock.now() - removeStart)")
    }
}
