import CInputMuxShim
import InputMuxCore
import InputMuxLinux

enum DiscoveryTests {
    static func classifiesHumanDevices() throws {
        let kbd = try UinputDevice(HumanDevices.keyboard())
        let mouse = try UinputDevice(HumanDevices.mouse())
        let pad = try UinputDevice(HumanDevices.touchpad())
        let found = try DeviceDiscovery().scan()
        func entry(_ d: UinputDevice) throws -> DiscoveredDevice {
            guard let e = found.first(where: { $0.devnode == d.devnode }) else {
                throw TestFailure("discovery did not list \(d.devnode) (\(d.spec.name)); it listed \(found.map(\.devnode))")
            }
            return e
        }
        let k = try entry(kbd), m = try entry(mouse), t = try entry(pad)
        try expectEqual(k.classes, .keyboard, "classes of the keyboard")
        try expectEqual(m.classes, .mouse, "classes of the mouse")
        try expectEqual(t.classes, .touchpad, "classes of the touchpad")
        for e in [k, m, t] {
            try expect(e.ownMark == nil, "\(e.devnode) was taken for one of ours (\(e.ownMark!))")
            try expect(e.isHumanInput, "\(e.devnode) is not human input")
        }
        try expectEqual(k.identity.vendor, 0x046d, "keyboard vendor")
        try expectEqual(k.name, kbd.spec.name, "keyboard name")
    }

    static func skipsOwnDevices() throws {
        // Ordinary phys, reserved ids: an agent device as another build might make it.
        var reserved = HumanDevices.mouse("reserved")
        reserved.identity = DeviceIdentity(bustype: ReservedIdentity.bustype, vendor: ReservedIdentity.vendor,
                                           product: ReservedIdentity.agentPointerProduct, version: 1)
        // Ordinary ids, our phys prefix: what a clone looks like.
        var prefixed = HumanDevices.keyboard("prefixed")
        prefixed.phys = ReservedIdentity.clonePhys(of: "usb-0000:00:14.0-9/input0")
        let a = try UinputDevice(reserved)
        let b = try UinputDevice(prefixed)
        let agents = try AgentDevices(name: "disco", session: SessionID(3), desktop: Region(x: 0, y: 0, width: 1280, height: 800))
        defer { agents.destroy() }
        let found = try DeviceDiscovery().scan()
        func mark(_ node: String) throws -> OwnMark? {
            guard let e = found.first(where: { $0.devnode == node }) else { throw TestFailure("discovery did not list \(node)") }
            try expect(!e.isHumanInput, "\(node) (\(e.name)) would be grabbed: \(e)")
            return e.ownMark
        }
        try expectEqual(try mark(a.devnode), .reservedIdentity, "mark of the reserved-id device")
        try expectEqual(try mark(b.devnode), .physPrefix, "mark of the phys-prefixed device")
        try expectEqual(try mark(agents.pointer.devnode), .physPrefix, "mark of the agent pointer")
        try expectEqual(try mark(agents.keyboard.devnode), .physPrefix, "mark of the agent keyboard")
        // The class is still known (it is a mouse), only the mark keeps it out.
        try expect(found.first { $0.devnode == a.devnode }!.classes.contains(.mouse), "reserved-id mouse classified as a mouse")
    }
}
