import InputMuxCLI
import InputMuxCore
import InputMuxConfiguration
import Testing

/// A machine described by a table: each test changes one fact of a healthy one.
struct FakeMachine: DoctorProbes {
    var files: [String: FileLookup] = [
        "/sys/module/uinput": .found(FileFacts(kind: .directory, mode: 0o755)),
        "/dev/uinput": .found(FileFacts(kind: .characterDevice, mode: 0o600)),
        "/dev/input": .found(FileFacts(kind: .directory, mode: 0o755)),
        "/run/inputmux/agent.sock": .found(FileFacts(kind: .socket, mode: 0o660, gid: 900)),
        "/run/inputmux/control.sock": .found(FileFacts(kind: .socket, mode: 0o660, gid: 901)),
        "/var/lib/inputmux/audit.key": .found(FileFacts(kind: .regular, mode: 0o600, size: 32)),
        "/etc/inputmux/inputmux.toml": .found(FileFacts(kind: .regular, mode: 0o644)),
    ]
    var groups: [String: UInt32] = ["inputmux": 900, "inputmux-admin": 901]
    var systemdRunning = true
    var unit: String? = "active"
    var configuration: Result<Configuration, ConfigurationError> = .success(Configuration())
    var daemon = DaemonCheckAnswer.checked(ConfigurationCheck(file: "/etc/inputmux/inputmux.toml", keymapChecked: true))
    var sockets: [String: ConnectOutcome] = [:]
    var env: [String: String] = [:]
    var effectiveUID: UInt32 = 0
    /// A keyboard, a mouse and a power button.
    var devices = [
        InputDeviceNodes(phys: "isa0060/serio0/input0", nodes: ["event0", "capabilities", "name"]),
        InputDeviceNodes(phys: "usb-0000:00:14.0-2/input0", nodes: ["event1", "mouse0"]),
        InputDeviceNodes(phys: "LNXPWRBN/button/input0", nodes: ["event2"]),
    ]

    func file(_ path: String) -> FileLookup { files[path] ?? .missing }
    func groupID(named name: String) -> UInt32? { groups[name] }
    func groupName(of gid: UInt32) -> String? { groups.first { $0.value == gid }?.key }
    func unitState(_ unit: String) -> String? { self.unit }
    func loadConfiguration(_ path: String) -> Result<Configuration, ConfigurationError> { configuration }
    func daemonCheck(_ path: String) -> DaemonCheckAnswer { daemon }
    func connect(_ path: String) -> ConnectOutcome { sockets[path] ?? (files[path] == nil ? .missing : .connected) }
    func environment(_ name: String) -> String? { env[name] }
    func inputDevices() -> [InputDeviceNodes] { devices }
}

@Suite struct DoctorTests {
    func run(_ m: FakeMachine) -> DoctorReport { Doctor(probes: m, configPath: "/etc/inputmux/inputmux.toml").run() }
    func check(_ r: DoctorReport, _ name: String) throws -> DoctorCheck { try #require(r.checks.first { $0.name == name }) }

    @Test func aHealthyMachinePasses() {
        let r = run(FakeMachine())
        #expect(!r.failed, "\(r.render())")
        #expect(r.checks.filter { $0.outcome == .fail || $0.outcome == .warn }.isEmpty)
        #expect(r.render().hasSuffix("doctor: no problem found"))
        #expect(r.checks.first { $0.name == "X11" }?.outcome == .skip)
    }

    func allowing(_ sessions: [Int]) -> Result<Configuration, ConfigurationError> {
        var config = Configuration()
        config.policies = sessions.map { n in
            var rule = PolicyRule()
            rule.maximumSessions = n
            return rule
        }
        return .success(config)
    }

    /// (831 event and mouse minors - 2 x 4 held by the three devices and their clones-to-be) / 3.
    @Test func inputMinorsCountThreeASessionWithJoydevLoadedOrNot() throws {
        var m = FakeMachine()
        m.configuration = allowing([150, 100])
        let without = try check(run(m), "input minors")
        #expect(without.outcome == .ok)
        #expect(without.detail.contains("a session takes 3 of the kernel's 1024 input minors"))
        #expect(without.detail.contains("other devices will hold about 8 (3 physical devices"))
        #expect(without.detail.contains("about 274 sessions fit"))
        m.files["/sys/module/joydev"] = .found(FileFacts(kind: .directory, mode: 0o755))
        #expect(try check(run(m), "input minors") == without)
    }

    @Test func inputMinorsWarnWhenThePolicyAllowsMoreSessionsThanFit() throws {
        var m = FakeMachine()
        m.configuration = allowing([150, 125])
        let many = try check(run(m), "input minors")
        #expect(many.outcome == .warn)
        #expect(many.detail.contains("allows up to 275"))
        #expect(many.fix?.contains("at most 274") == true)
        // Sixty more keyboards (and their clones) leave room for (831 - 128) / 3.
        m.devices += (0..<60).map { InputDeviceNodes(phys: "usb-kbd\($0)/input0", nodes: ["event\(10 + $0)"]) }
        m.configuration = allowing([234])
        #expect(try check(run(m), "input minors").outcome == .ok)
        m.configuration = allowing([235])
        #expect(try check(run(m), "input minors").detail.contains("about 234 sessions fit"))
        #expect(try check(run(m), "input minors").outcome == .warn)
    }

    /// With the daemon running: its clones are counted as they are, agent sessions not at
    /// all (they are what the minors are for); more than 16 js nodes spill into the shared range.
    @Test func inputMinorsCountClonesButNotAgentSessions() throws {
        var m = FakeMachine()
        m.devices += [
            InputDeviceNodes(phys: "inputmux/clone/isa0060/serio0/input0", nodes: ["event3"]),
            InputDeviceNodes(phys: "inputmux/clone/usb-0000:00:14.0-2/input0", nodes: ["event4", "mouse1"]),
            InputDeviceNodes(phys: "inputmux/agent/1/pointer", nodes: ["event5", "mouse2"]),
            InputDeviceNodes(phys: "inputmux/agent/1/keyboard", nodes: ["event6"]),
        ]
        let running = try check(run(m), "input minors")
        #expect(running.detail.contains("other devices hold 7 (3 physical devices and the daemon's clones)"))
        #expect(running.detail.contains("about 274 sessions fit"))
        m.devices += (0..<20).map { InputDeviceNodes(phys: "usb-pad\($0)/input0", nodes: ["event\(20 + $0)", "js\($0)"]) }
        #expect(try check(run(m), "input minors").detail.contains("other devices hold 31 (23 physical devices"))
    }

    @Test func missingUinputSaysModprobe() throws {
        var m = FakeMachine()
        m.files["/sys/module/uinput"] = nil
        m.files["/dev/uinput"] = nil
        let r = run(m)
        #expect(r.failed)
        #expect(try check(r, "uinput module").fix?.contains("modprobe uinput") == true)
        #expect(try check(r, "/dev/uinput").outcome == .fail)
    }

    @Test func builtinUinputIsFine() throws {
        var m = FakeMachine()
        m.files["/sys/module/uinput"] = nil
        m.files["/sys/class/misc/uinput"] = .found(FileFacts(kind: .directory, mode: 0o755))
        #expect(try check(run(m), "uinput module").outcome == .ok)
    }

    @Test func uinputOpenToAGroupIsAWarning() throws {
        var m = FakeMachine()
        m.files["/dev/uinput"] = .found(FileFacts(kind: .characterDevice, mode: 0o660, gid: 900))
        let c = try check(run(m), "/dev/uinput")
        #expect(c.outcome == .warn)
        #expect(c.fix?.contains("udevadm trigger") == true)
    }

    @Test func brokenConfigurationShowsEveryLine() throws {
        var m = FakeMachine()
        let text = "[desktop]\nwidth = \"wide\"\n\n[leases]\nttl = 5\n"
        m.configuration = Result { () throws(ConfigurationError) in
            try ConfigurationLoader.parse(text, file: "/etc/inputmux/inputmux.toml", keyName: { _ in nil })
        }
        let r = run(m)
        let c = try check(r, "configuration")
        #expect(c.outcome == .fail)
        #expect(c.detail.contains("/etc/inputmux/inputmux.toml:2: desktop.width: must be an integer"))
        #expect(c.detail.contains("/etc/inputmux/inputmux.toml:5: leases.ttl: unknown key"))
        #expect(c.fix?.contains("inputmuxd --check") == true)
        #expect(r.render().contains("1 check failed"))
    }

    @Test func missingConfigurationSaysHowToInstallIt() throws {
        var m = FakeMachine()
        m.files["/etc/inputmux/inputmux.toml"] = nil
        let c = try check(run(m), "configuration")
        #expect(c.outcome == .fail)
        #expect(c.fix?.contains("make install") == true)
    }

    @Test func stoppedServiceAndMissingSockets() throws {
        var m = FakeMachine()
        m.unit = "failed"
        m.files["/run/inputmux/agent.sock"] = nil
        let r = run(m)
        #expect(try check(r, "service").fix?.contains("systemctl enable --now inputmuxd") == true)
        #expect(try check(r, "agent socket").fix?.contains("start inputmuxd") == true)
    }

    @Test func withoutSystemdTheServiceCheckIsSkipped() throws {
        var m = FakeMachine()
        m.systemdRunning = false
        #expect(try check(run(m), "service").outcome == .skip)
    }

    @Test func unsafeOrStaleSockets() throws {
        var m = FakeMachine()
        m.files["/run/inputmux/control.sock"] = .found(FileFacts(kind: .socket, mode: 0o666, gid: 901))
        m.sockets["/run/inputmux/agent.sock"] = .refused
        let r = run(m)
        let control = try check(r, "control socket")
        #expect(control.outcome == .fail)
        #expect(control.detail.contains("expected 0660 root:inputmux-admin"))
        #expect(try check(r, "agent socket").detail.contains("stale"))
    }

    @Test func rootOnlyControlSocketWhenNoAdminGroup() throws {
        var m = FakeMachine()
        var c = Configuration()
        c.sockets.controlGroup = ""
        m.configuration = .success(c)
        m.files["/run/inputmux/control.sock"] = .found(FileFacts(kind: .socket, mode: 0o600))
        #expect(try check(run(m), "control socket").outcome == .ok)
        #expect(run(m).checks.filter { $0.name.hasPrefix("group") }.count == 1)
    }

    @Test func notAllowedToConnectIsAWarningNamingTheGroup() throws {
        var m = FakeMachine()
        m.effectiveUID = 1000
        m.sockets["/run/inputmux/control.sock"] = .denied
        let c = try check(run(m), "control socket")
        #expect(c.outcome == .warn)
        #expect(c.fix?.contains("inputmux-admin") == true)
    }

    @Test func missingGroupsFail() throws {
        var m = FakeMachine()
        m.groups["inputmux"] = nil
        #expect(try check(run(m), "group inputmux").fix?.contains("systemd-sysusers") == true)
    }

    @Test func keymapThatDoesNotCompile() throws {
        var m = FakeMachine()
        m.daemon = .checked(ConfigurationCheck(file: "/etc/inputmux/inputmux.toml",
                                               keymapProblem: "keymap: xkbcommon cannot compile layout \"zz\"", keymapChecked: true))
        let c = try check(run(m), "keymap")
        #expect(c.outcome == .fail)
        #expect(c.detail.contains("cannot compile layout \"zz\""))
        #expect(c.fix?.contains("localectl") == true)
    }

    @Test func whatOnlyTheDaemonChecksFailsTheConfiguration() throws {
        var m = FakeMachine()
        let problem = ConfigurationError.Problem(line: 4, key: "panic.chord", message: "unknown key \"KEY_FOO\"")
        m.daemon = .checked(ConfigurationCheck(file: "/etc/inputmux/inputmux.toml", problems: [problem], keymapChecked: false))
        let r = run(m)
        let c = try check(r, "configuration")
        #expect(c.outcome == .fail)
        #expect(c.detail == "/etc/inputmux/inputmux.toml:4: panic.chord: unknown key \"KEY_FOO\"")
        #expect(c.fix?.contains("inputmuxd --check") == true)
        #expect(try check(r, "keymap").outcome == .skip)
    }

    @Test func withoutInputmuxdKeyNamesAndKeymapAreNotChecked() throws {
        var m = FakeMachine()
        m.daemon = .unavailable("inputmuxd is neither next to muxctl nor on PATH")
        let r = run(m)
        let c = try check(r, "configuration")
        #expect(c.outcome == .warn)
        #expect(c.detail.contains("not checked: inputmuxd is neither next to muxctl nor on PATH"))
        #expect(c.fix?.contains("make install") == true)
        #expect(try check(r, "keymap").outcome == .skip)
        #expect(!r.failed)
    }

    @Test func auditKeyOthersCanReadFails() throws {
        var m = FakeMachine()
        m.files["/var/lib/inputmux/audit.key"] = .found(FileFacts(kind: .regular, mode: 0o644, size: 32))
        #expect(try check(run(m), "audit key").fix?.contains("chmod 600") == true)
        m.files["/var/lib/inputmux/audit.key"] = .denied
        #expect(try check(run(m), "audit key").outcome == .skip)
    }

    @Test func x11IsCheckedOnlyInXTestMode() throws {
        var m = FakeMachine()
        var c = Configuration()
        c.output = .xtest
        m.configuration = .success(c)
        #expect(try check(run(m), "X11").fix?.contains("DISPLAY") == true)
        m.env["DISPLAY"] = ":1"
        m.files["/tmp/.X11-unix/X1"] = .found(FileFacts(kind: .socket, mode: 0o777))
        #expect(try check(run(m), "X11").outcome == .ok)
        m.sockets["/tmp/.X11-unix/X1"] = .refused
        #expect(try check(run(m), "X11").fix?.contains("Xvfb") == true)
        m.env["DISPLAY"] = "remote:0"
        #expect(try check(run(m), "X11").outcome == .fail)
    }

    @Test func jsonHasEveryCheck() {
        let json = JSONOutput.render(run(FakeMachine()))
        #expect(json.contains("\"outcome\" : \"ok\""))
        #expect(json.contains("\"name\" : \"uinput module\""))
    }
}
