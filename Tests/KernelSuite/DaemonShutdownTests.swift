import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

/// inputmuxd's graceful stop with sessions connected.
enum DaemonShutdownTests {
    /// SIGTERM: the human's devices come back to the system before the agents' devices
    /// are destroyed. The kernel tears input devices down one at a time (about 45 ms each
    /// in the guest; 256 sessions take longer than the unit's TimeoutStopSec), so that
    /// part goes last, and a stop cut short by systemd still leaves the human's devices
    /// free and the audit log synced. Then the daemon exits cleanly with every agent
    /// device gone.
    static func stopFreesTheHumanBeforeTheAgentsDevices() throws {
        let mouse = try UinputDevice(HumanDevices.mouse("stop"))
        let daemon = try DaemonUnderTest()
        _ = try daemon.clone(of: mouse.devnode)
        let sessions = try (0..<6).map { try AgentSession(daemon, name: "stop\($0)") }
        let nodes = sessions.flatMap { [$0.pointerNode, $0.keyboardNode] }
        let missing = nodes.filter { access($0, F_OK) != 0 }
        try expect(missing.isEmpty, "agent device nodes missing before the stop: \(missing)")
        let physical = open(mouse.devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard physical >= 0 else { throw TestFailure("cannot open the physical mouse \(mouse.devnode): errno \(errno)") }
        defer { close(physical) }
        try expect(inputmux_ioctl_int(physical, inputmux_eviocgrab(), 1) != 0 && errno == EBUSY,
                   "the daemon holds the physical mouse's grab before the stop")

        kill(daemon.pid, SIGTERM)
        // The first moment the physical mouse can be grabbed again: which agent nodes exist then.
        var left: Int?
        let deadline = MonotonicClock.now() + .seconds(20)
        while left == nil && MonotonicClock.now() < deadline {
            if inputmux_ioctl_int(physical, inputmux_eviocgrab(), 1) == 0 {
                _ = inputmux_ioctl_int(physical, inputmux_eviocgrab(), 0)
                left = nodes.filter { access($0, F_OK) == 0 }.count
            } else {
                MonotonicClock.sleep(.milliseconds(2))
            }
        }
        guard let freedWith = left else { throw TestFailure("the physical mouse was still grabbed 20 s after SIGTERM") }
        try expect(freedWith > 0, "the agents' \(nodes.count) devices were all destroyed before the human's mouse was ungrabbed")
        try daemon.waitForCleanExit(timeout: .seconds(20))
        try expect(nodes.allSatisfy { access($0, F_OK) != 0 }, "agent device nodes outlived the daemon: \(nodes.filter { access($0, F_OK) == 0 })")
        // (This also keeps the sessions, and so their connections, alive until here.)
        for s in sessions {
            try expect(s.client.waitClosed(timeout: .seconds(1)), "\(s.name)'s connection stayed open after the daemon exited")
        }
        withExtendedLifetime(mouse) {}
        note("the human's mouse was free with \(freedWith) of the \(nodes.count) agent devices still to remove")
    }
}
