import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

enum SafeGrabTests {
    static func waitsForRelease() throws {
        let human = try UinputDevice(HumanDevices.keyboard("held"))
        try human.write(Frame([HumanDevices.key(KEY_LEFTCTRL, 1)]))
        let device = try PhysicalDevice(path: human.devnode)
        try expectEqual(try device.keysDown(), [UInt16(KEY_LEFTCTRL)], "keys down before the grab")

        // While the key stays down, a short safe grab gives up and names the key.
        do {
            try device.grabSafely(timeout: .milliseconds(200))
            throw TestFailure("grabbed while KEY_LEFTCTRL was down")
        } catch let error as DeviceError {
            guard case .keysHeld(_, let keys, _) = error else { throw TestFailure("unexpected error \(error)") }
            try expectEqual(keys, [UInt16(KEY_LEFTCTRL)], "keys named by keysHeld")
        }
        try expect(!device.isGrabbed, "device left grabbed after keysHeld")

        // A child releases the key after 400 ms; the grab must wait for it.
        let fd = human.fd.rawValue
        let child = fork()
        if child == 0 {
            usleep(400_000)
            writeRawFrame(fd: fd, [HumanDevices.key(KEY_LEFTCTRL, 0)])
            _exit(0)
        }
        let start = MonotonicClock.now()
        try device.grabSafely(timeout: .seconds(5))
        let waited = MonotonicClock.now() - start
        var status: Int32 = 0
        waitpid(child, &status, 0)
        try expect(device.isGrabbed, "not grabbed after the release")
        try expect(waited >= .milliseconds(300), "grabbed after \(waited), before the key was released")
        let stillDown = try device.keysDown()
        try expect(stillDown.isEmpty, "keys still down after the grab: \(stillDown)")
        // The release happened before the grab: every reader saw it, so nothing is pending for us.
        let pending = try device.readFrames()
        try expect(pending.isEmpty, "events left pending after the drain: \(pending)")
        note("grab waited \(waited) for the release")
    }
}
