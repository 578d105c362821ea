import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// Keys that act on the machine, not a window (DESIGN §3 item 6, issue 15): an agent with a
/// keyboard lease it proved with a click tries Magic SysRq, Ctrl+Alt+Delete, a VT switch and
/// the power key, by gestures and raw frames and with modifiers held from earlier gestures.
/// The guest's kernel log, journal and console, and the agent keyboard's evdev node, must
/// show that nothing reacted. A control keyboard (not an agent's) first shows that the
/// guest does react, so the test can fail.
enum DaemonMachineKeyTests {
    static func machineKeysNeverReachTheMachine() throws {
        // SysRq on for the test (Debian's 438 would allow reboot), restored after.
        let sysrqPath = "/proc/sys/kernel/sysrq"
        let savedSysrq = readFileText(sysrqPath)?.filter { $0.isNumber } ?? "438"
        try writeFile(sysrqPath, "1\n")
        defer { try? writeFile(sysrqPath, savedSysrq + "\n") }
        // A reboot request must be seen, not carried out.
        _ = try? ChildProcess.outputLines("/usr/bin/systemctl", ["mask", "--runtime", "ctrl-alt-del.target"])
        defer { _ = try? ChildProcess.outputLines("/usr/bin/systemctl", ["unmask", "--runtime", "ctrl-alt-del.target"]) }
        let since = "@\(time(nil) - 1)"

        // Control: an ordinary keyboard (no daemon yet) shows the guest reacts to both.
        var spec = UinputSpec(name: "Test Control Keyboard",
                              identity: DeviceIdentity(bustype: UInt16(BUS_USB), vendor: 0x046d, product: 0xc31d, version: 1),
                              phys: "usb-control/input0")
        spec.keys = [29, 56, 99, 111, 35]
        let control = try UinputDevice(spec)
        func tap(_ codes: [Int32]) throws {
            for c in codes { try control.write(Frame([HumanDevices.key(c, 1)])); usleep(20_000) }
            for c in codes.reversed() { try control.write(Frame([HumanDevices.key(c, 0)])); usleep(20_000) }
        }
        try tap([56, 99, 35])        // alt+sysrq+h: the help line
        try tap([29, 56, 111])       // ctrl+alt+delete
        control.destroy()
        let sysrqLines = waitFor(seconds: 5) { sysrqLog().count > 0 ? sysrqLog() : nil } ?? []
        try expect(!sysrqLines.isEmpty, "control: alt+sysrq+h on an ordinary keyboard left no 'sysrq:' line in dmesg; the test could not see a failure")
        let cadLines = waitFor(seconds: 5) { let l = ctrlAltDelJournal(since: since); return l.isEmpty ? nil : l } ?? []
        try expect(!cadLines.isEmpty, "control: ctrl+alt+delete on an ordinary keyboard left no ctrl-alt-del line in the journal; the test could not see a failure")
        note("control reactions: \(sysrqLines.last ?? "") | \(cadLines.last ?? "")")
        let sysrqBefore = sysrqLog().count
        let cadBefore = ctrlAltDelJournal(since: since).count
        let vtBefore = readFileText("/sys/class/tty/tty0/active")

        // Should a power key get through, logind must not act on it (the guest would go down).
        let inhibit = try? ChildProcess("/usr/bin/systemd-inhibit", ["--what=handle-power-key:handle-suspend-key:handle-hibernate-key",
                                                                   "--mode=block", "--why=machine-key test", "sleep", "600"], error: .standardOutput)
        defer { _ = inhibit?.stop() }
        let daemon = try DaemonUnderTest()
        let agent = try AgentSession(daemon, name: "mallory")
        _ = try agent.lease("0,0,960x1080", keyboard: true)

        func proveFocus() throws { try agent.perform(["action": "click", "x": 300, "y": 300]) }
        // Every attempt is made, and every problem collected, so a failing run shows what
        // the kernel and systemd did with what got through.
        var problems: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { problems.append(what()) } }
        func refused(_ g: JSON, _ codes: [String] = ["machine_key"]) throws {
            let r = try agent.gesture(g)
            if r["ok"] == true, codes.contains("ok") { try proveFocus(); return }
            if !(r["ok"] == false && codes.contains(r["error"]["code"].string ?? "")) {
                problems.append("\(g.line) should be refused with \(codes): \(r.line)")
                try? proveFocus()
            }
        }
        try proveFocus()
        let press: (Int) -> JSON = { .array([.array([1, .int(Int64($0)), 1])]) }
        let release: (Int) -> JSON = { .array([.array([1, .int(Int64($0)), 0])]) }
        // Magic SysRq by raw frames and by gestures.
        try refused(["action": "raw", "device": "keyboard", "frames": [press(56), press(99), press(31), release(31), release(99), release(56)]])
        try refused(["action": "key", "keys": "alt+KEY_SYSRQ+s"])
        try refused(["action": "hold", "keys": "alt+KEY_SYSRQ", "duration_ms": 100])
        // The spellings: SysRq is the Print Screen key (KEY_SYSRQ) in the keymap; were it
        // another key the kernel would not react either, which the end of the test checks.
        try refused(["action": "key", "keys": "alt+sysrq+s"], ["machine_key", "ok"])
        try refused(["action": "key", "keys": "alt+Print"], ["machine_key", "ok"])
        // Reboot request and VT switch.
        try refused(["action": "key", "keys": "ctrl+alt+Delete"])
        try refused(["action": "key", "keys": "ctrl+alt+KEY_KPDOT"])
        try refused(["action": "key", "keys": "ctrl+alt+F2"])
        try refused(["action": "raw", "device": "keyboard", "frames": [press(29), press(56), press(60)]])
        // The power key.
        try refused(["action": "key", "keys": "KEY_POWER"])
        try refused(["action": "raw", "device": "keyboard", "frames": [press(116), release(116)]])
        // Held from an earlier gesture: ctrl down, then alt+Delete / alt+F2.
        try agent.perform(["action": "key_down", "key": "ctrl"])
        try refused(["action": "key", "keys": "alt+Delete"])
        try refused(["action": "raw", "device": "keyboard", "frames": [press(56), press(60)]])
        try agent.perform(["action": "key_up", "key": "ctrl"])
        // Alt down, then a raw SysRq frame (Alt also ends the focus evidence).
        try proveFocus()
        try agent.perform(["action": "key_down", "key": "alt"])
        try refused(["action": "raw", "device": "keyboard", "frames": [press(99)]], ["machine_key", "focus_unproven"])
        try proveFocus()
        try refused(["action": "raw", "device": "keyboard", "frames": [press(99)]], ["machine_key", "focus_unproven"])
        try agent.perform(["action": "key_up", "key": "alt"])
        // Print Screen alone still goes through.
        try proveFocus()
        try agent.perform(["action": "key", "keys": "Print"])

        usleep(500_000)
        // The agent keyboard does not have the machine keys at all: the kernel refuses them.
        var bits = [UInt8](repeating: 0, count: Int(KEY_MAX) / 8 + 1)
        let n = bits.withUnsafeMutableBytes { ioctl(agent.keyboard.fd, inputmux_eviocgbit(UInt32(EV_KEY), UInt32($0.count)), $0.baseAddress!) }
        check(n > 0, "EVIOCGBIT(EV_KEY) on \(agent.keyboardNode): errno \(errno)")
        func declares(_ k: UInt16) -> Bool { bits[Int(k) / 8] & (1 << UInt8(k % 8)) != 0 }
        for k in MachineKeys.removedKeys {
            check(!declares(k.code.rawValue), "the agent keyboard declares \(k.name)")
        }
        for k: UInt16 in [29, 56, 99, 111, 14, 60] {
            check(declares(k), "the agent keyboard lacks ordinary key \(k)")
        }

        let frames = agent.keyboard.readAvailable()
        let written = keyEvents(frames)
        check(!written.contains { $0.0 == 116 }, "the agent keyboard carried KEY_POWER: \(written)")
        let chord = MachineKeys.completed(in: frames, on: SessionID(UInt32(agent.session)), neutral: NeutralState(), allowed: [])
        check(chord == nil, "the agent keyboard carried \(chord?.name ?? ""): \(written)")
        check(written.contains { $0 == (99, 1) } || written.contains { $0 == (210, 1) }, "Print Screen alone did not go through: \(written)")
        let sysrqAfter = sysrqLog()
        check(sysrqAfter.count == sysrqBefore, "the kernel reacted to SysRq: \(sysrqAfter.suffix(max(0, sysrqAfter.count - sysrqBefore)))")
        let cadAfter = ctrlAltDelJournal(since: since)
        check(cadAfter.count == cadBefore, "systemd saw Ctrl+Alt+Delete: \(cadAfter.suffix(max(0, cadAfter.count - cadBefore)))")
        let vtAfter = readFileText("/sys/class/tty/tty0/active")
        check(vtAfter == vtBefore, "the active virtual terminal changed from \(vtBefore ?? "?") to \(vtAfter ?? "?")")
        try daemon.stop()
        if !problems.isEmpty { throw TestFailure("\(problems.count) problems:\n  " + problems.joined(separator: "\n  ")) }
    }

    /// The kernel log's SysRq lines.
    static func sysrqLog() -> [String] {
        ((try? ChildProcess.outputLines(HarnessFiles.which("dmesg") ?? "/usr/bin/dmesg", [])) ?? []).filter { $0.contains("sysrq:") }
    }

    /// What the journal says about Ctrl+Alt+Delete since `since`.
    static func ctrlAltDelJournal(since: String) -> [String] {
        ((try? ChildProcess.outputLines("/usr/bin/journalctl", ["--since", since, "--no-pager", "-o", "cat"])) ?? [])
            .filter { $0.lowercased().contains("ctrl-alt-del") }
    }

    static func waitFor<T>(seconds: Int, _ body: () -> T?) -> T? {
        for _ in 0..<(seconds * 10) {
            if let v = body() { return v }
            usleep(100_000)
        }
        return nil
    }
}
