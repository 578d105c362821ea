import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux

/// What an agent session costs in the kernel's 1024 input minors, with joydev loaded as a
/// stock kernel loads it (docs/INSTALL.md, "How many agent sessions fit").
enum InputMinorTests {
    /// The handler nodes the kernel attached to input device `sysname` ("event5", "mouse2",
    /// "js0"), read from /sys/class/input/inputN/.
    static func handlerNodes(_ sysname: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob("/sys/class/input/\(sysname)/*", 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { i in
            g.gl_pathv[i].map { String(cString: $0).split(separator: "/").last.map(String.init) } ?? nil
        }.filter { name in ["event", "mouse", "js"].contains { name.hasPrefix($0) && name.dropFirst($0.count).allSatisfy(\.isNumber) } }
         .sorted()
    }

    static func kinds(_ nodes: [String]) -> [String] {
        nodes.map { String($0.prefix { !$0.isNumber }) }.sorted()
    }

    /// `udevadm info` properties of a devnode, as KEY=VALUE.
    static func udevProperties(_ devnode: String) throws -> [String: String] {
        guard let udevadm = HarnessFiles.which("udevadm") else { throw TestFailure("udevadm is missing in the guest") }
        var out: [String: String] = [:]
        for line in try ChildProcess.outputLines(udevadm, ["info", "--query=property", "--name=\(devnode)"]) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    /// The button bits (left 1, right 2, middle 4) of the first packet mousedev sends on
    /// `node` after `write` (the default PS/2 protocol: 3 bytes, bit 3 of the first always set).
    static func mousedevButtons(_ node: String, after write: () throws -> Void) throws -> UInt8 {
        let fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw TestFailure("cannot open \(node): errno \(errno)") }
        defer { close(fd) }
        try write()
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 2000) == 1 else { throw TestFailure("mousedev sent nothing on \(node) within 2 s") }
        var packet = [UInt8](repeating: 0, count: 3)
        let n = read(fd, &packet, 3)
        try expect(n == 3 && packet[0] & 0x08 != 0, "\(node) gave \(n) bytes \(packet), expected a 3-byte PS/2 packet")
        return packet[0] & 0x07
    }

    static func loadJoydev() throws {
        guard let modprobe = HarnessFiles.which("modprobe") else { throw TestFailure("modprobe is missing in the guest") }
        _ = try ChildProcess.outputLines(modprobe, ["joydev"])
        try expect(access("/sys/module/joydev", F_OK) == 0, "modprobe joydev did not load joydev (no /sys/module/joydev)")
    }

    /// With joydev loaded, a session's pointer gets an event and a mouse node but no js
    /// node, its keyboard an event node: 3 minors. udev still calls the pointer a mouse, and
    /// mousedev still turns its clicks into packets.
    /// A device with the pointer's capabilities but no BTN_TOUCH is created first and
    /// must get a js node, which shows that joydev is live and would take the pointer.
    static func agentPointerGetsNoJoystickNode() throws {
        try loadJoydev()
        let desktop = AgentDeviceTests.desktop
        var control = AgentDevices.pointerSpec(name: "joy-control", session: SessionID(13), desktop: desktop)
        control.keys.removeAll { $0 == UInt16(BTN_TOUCH) }
        let plain = try UinputDevice(control)
        defer { plain.destroy() }
        try expectEqual(kinds(handlerNodes(plain.sysname)), ["event", "js", "mouse"],
                        "nodes of an absolute pointer with five buttons and no BTN_TOUCH (joydev must take it)")

        let agents = try AgentDevices(name: "joy", session: SessionID(12), desktop: desktop)
        defer { agents.destroy() }
        let pointerNodes = handlerNodes(agents.pointer.device.sysname)
        try expectEqual(kinds(pointerNodes), ["event", "mouse"], "agent pointer's nodes (\(pointerNodes))")
        try expectEqual(kinds(handlerNodes(agents.keyboard.device.sysname)), ["event"], "agent keyboard's nodes")
        let mouseNode = "/dev/input/" + pointerNodes.first { $0.hasPrefix("mouse") }!
        try expect(access(mouseNode, F_OK) == 0, "the pointer's mouse node \(mouseNode) is not in /dev/input")
        try expectEqual(try mousedevButtons(mouseNode, after: { try agents.pointer.write(Frame([AgentDeviceTests.key(BTN_LEFT, 1)])) }),
                        1, "left button in the PS/2 packet mousedev made of the pointer's click")
        try agents.pointer.write(Frame([AgentDeviceTests.key(BTN_LEFT, 0)]))

        let udev = try udevProperties(agents.pointer.devnode)
        try expectEqual(udev["ID_INPUT"], "1", "pointer ID_INPUT")
        try expectEqual(udev["ID_INPUT_MOUSE"], "1", "pointer ID_INPUT_MOUSE")
        for tag in ["ID_INPUT_TOUCHSCREEN", "ID_INPUT_JOYSTICK", "ID_INPUT_TABLET", "ID_INPUT_TOUCHPAD", "ID_INPUT_KEYBOARD", "ID_INPUT_KEY"] {
            try expect(udev[tag] == nil, "udev tags the agent pointer \(tag)=\(udev[tag] ?? ""): \(udev.keys.filter { $0.hasPrefix("ID_INPUT") }.sorted())")
        }
    }
}
