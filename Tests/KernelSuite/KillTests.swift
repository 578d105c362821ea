import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux

/// The process the SIGKILL test kills: it grabs the given node, creates agent devices,
/// holds Shift and the left button, reports READY and waits to die.
enum HoldingHelper {
    static func run(physicalNode: String) -> Never {
        do {
            let device = try PhysicalDevice(path: physicalNode)
            try device.grabSafely(timeout: .seconds(3))
            let agents = try AgentDevices(name: "doomed", session: SessionID(99), desktop: AgentDeviceTests.desktop)
            try agents.keyboard.write(Frame([HumanDevices.key(KEY_LEFTSHIFT, 1)]))
            try agents.pointer.write(Frame([HumanDevices.key(BTN_LEFT, 1)]))
            writeLine(1, "READY \(agents.keyboard.devnode) \(agents.pointer.devnode)")
            while true { pause() }
        } catch {
            writeLine(1, "ERROR \(error)")
            exit(2)
        }
    }
}

enum KillTests {
    static func sigkillReleases() throws {
        let human = try UinputDevice(HumanDevices.keyboard("victim"))
        let helper = try ChildProcess("/proc/self/exe", ["--helper-hold", human.devnode], error: .standardOutput)
        guard let ready = helper.waitForLine(timeout: .seconds(20), { $0.hasPrefix("READY") || $0.hasPrefix("ERROR") }),
              ready.hasPrefix("READY") else {
            throw TestFailure("helper did not get ready: \(helper.lines)")
        }
        let parts = ready.split(separator: " ").map(String.init)
        let keyboardNode = parts[1], pointerNode = parts[2]
        let keyboardSys = "/sys/class/input/" + keyboardNode.dropFirst("/dev/input/".count)

        let keyboardReader = try EvdevReader(keyboardNode)
        let pointerReader = try EvdevReader(pointerNode)
        try expectEqual(try keyboardReader.keysDown(), [UInt16(KEY_LEFTSHIFT)], "helper's agent keyboard holds Shift")
        try expectEqual(try pointerReader.keysDown(), [MouseButton.left.code], "helper's agent pointer holds the left button")

        let physicalReader = try EvdevReader(human.devnode)
        try human.write(Frame([HumanDevices.key(KEY_C, 1)]))
        try human.write(Frame([HumanDevices.key(KEY_C, 0)]))
        let whileGrabbed = physicalReader.readFrames(count: 1, timeout: .milliseconds(300))
        try expect(whileGrabbed.isEmpty, "the node is not grabbed by the helper: read \(whileGrabbed)")

        // A second grab is refused with the holder named (found through /proc/*/fd).
        let contender = try PhysicalDevice(path: human.devnode)
        do {
            try contender.grab()
            throw TestFailure("a second grab of \(human.devnode) succeeded while the helper held it")
        } catch let error as DeviceError {
            guard case .busy(_, let holder) = error else { throw TestFailure("second grab: \(error), expected busy") }
            try expect(holder?.hasPrefix("pid \(helper.pid) ") == true, "busy names \(holder ?? "nobody"), expected pid \(helper.pid)")
            try expect(error.description.contains("pid \(helper.pid)"), "message does not name the holder: \(error)")
        }
        contender.close()

        helper.kill()

        // What the kernel does (6.1, seen here): closing the uinput fd unregisters the
        // device; the input core releases held keys towards its handlers, but evdev's read
        // checks that the device still exists first, so a reader gets ENODEV and never the
        // releases. Nothing stays held because the device itself is gone.
        let start = MonotonicClock.now()
        var keyboardFrames: [Frame] = []
        while !(keyboardReader.gone && access(keyboardSys, F_OK) != 0) && MonotonicClock.now() - start < .seconds(3) {
            keyboardFrames += keyboardReader.readFrames(count: 1, timeout: .milliseconds(50))
        }
        let sawRelease = keyboardFrames.contains { $0.events.contains(HumanDevices.key(KEY_LEFTSHIFT, 0)) }
        try expect(keyboardReader.gone, "the agent keyboard node still reads after SIGKILL (frames: \(keyboardFrames))")
        try expect(access(keyboardSys, F_OK) != 0, "\(keyboardSys) still exists after SIGKILL")
        _ = pointerReader.readAvailable()
        try expect(pointerReader.gone, "the agent pointer node still reads after SIGKILL")
        note("after SIGKILL: the agent keyboard \(sawRelease ? "reported the Shift release, then went" : "went") away (ENODEV); nothing is left held")

        // The grab died with the process: the physical node reaches other readers again.
        try human.write(Frame([HumanDevices.key(KEY_D, 1)]))
        try human.write(Frame([HumanDevices.key(KEY_D, 0)]))
        let afterKill = physicalReader.readFrames(count: 2, timeout: .seconds(2))
        try expectEqual(afterKill, [Frame([HumanDevices.key(KEY_D, 1)]), Frame([HumanDevices.key(KEY_D, 0)])],
                        "frames on the physical node after the grabbing process died")
    }
}
