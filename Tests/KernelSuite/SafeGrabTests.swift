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

    /// Waiting for a release without grabbing: it gives up after its timeout while a key
    /// stays down, returns soon after the release, and never grabs the device.
    static func waitsForReleaseWithoutGrabbing() throws {
        let human = try UinputDevice(HumanDevices.keyboard("waiting"))
        try human.write(Frame([HumanDevices.key(KEY_LEFTALT, 1)]))
        let device = try PhysicalDevice(path: human.devnode)
        var start = MonotonicClock.now()
        let gaveUp = try device.waitForKeysReleased(timeout: .milliseconds(300))
        let waitedHeld = MonotonicClock.now() - start
        try expect(!gaveUp, "waitForKeysReleased returned true while KEY_LEFTALT was down")
        try expect(waitedHeld >= .milliseconds(300), "gave up after \(waitedHeld), before its 300 ms timeout")
        try expect(!device.isGrabbed, "grabbed while waiting")

        // A child sends two autorepeats, then the release, 200 ms apart.
        let fd = human.fd.rawValue
        let child = fork()
        if child == 0 {
            for value: Int32 in [2, 2, 0] {
                usleep(200_000)
                writeRawFrame(fd: fd, [HumanDevices.key(KEY_LEFTALT, value)])
            }
            _exit(0)
        }
        start = MonotonicClock.now()
        let released = try device.waitForKeysReleased(timeout: .seconds(10))
        let waited = MonotonicClock.now() - start
        var status: Int32 = 0
        waitpid(child, &status, 0)
        try expect(released, "waitForKeysReleased gave up after \(waited) though the key was released")
        try expect(waited >= .milliseconds(500), "returned after \(waited), before the release (600 ms)")
        try expect(waited < .seconds(3), "returned \(waited) after it started: long after the release (600 ms)")
        try expect(!device.isGrabbed, "grabbed while waiting")
        let reader = try EvdevReader(human.devnode)
        try expect(try reader.keysDown().isEmpty, "the kernel still reports a key down")
        note("released after \(waited)")
    }
}
