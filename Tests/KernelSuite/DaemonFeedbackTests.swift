import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

/// inputmuxd gives the human's keyboard back what the compositor writes to its clone.
enum DaemonFeedbackTests {
    /// The compositor turns Caps Lock's light on through the clone: the physical keyboard
    /// (the only one with a real LED) shows it.
    static func capsLockLightReachesPhysicalKeyboard() throws {
        var spec = HumanDevices.keyboard("led")
        spec.leds = [UInt16(LED_NUML), UInt16(LED_CAPSL), UInt16(LED_SCROLLL)]
        let keyboard = try UinputDevice(spec)
        let daemon = try DaemonUnderTest(DaemonUnderTest.Options())
        let clone = try daemon.clone(of: keyboard.devnode)

        let compositor = open(clone, O_WRONLY | O_CLOEXEC)
        try expect(compositor >= 0, "cannot open the clone \(clone) for writing: errno \(errno)")
        writeRawFrame(fd: compositor, [EvdevEvent(type: UInt16(EV_LED), code: UInt16(LED_CAPSL), value: 1)])
        close(compositor)

        let physical = try EvdevReader(keyboard.devnode)
        let began = MonotonicClock.now()
        var on: [UInt16] = []
        while MonotonicClock.now() - began < .seconds(2) {
            on = try physical.ledsOn()
            if !on.isEmpty { break }
            MonotonicClock.sleep(.milliseconds(20))
        }
        try expectEqual(on, [UInt16(LED_CAPSL)], "LEDs on at the physical keyboard after the compositor set Caps Lock on the clone")
    }
}
