import InputMuxAudit
import InputMuxConfiguration

/// `muxctl doctor`: what a machine needs for InputMux (DESIGN §7), each check a pure
/// function of the probes' answers, each problem with the command that fixes it.
public struct Doctor {
    public var probes: any DoctorProbes
    public var configPath: String

    public init(probes: any DoctorProbes, configPath: String = ConfigurationLoader.defaultPath) {
        self.probes = probes
        self.configPath = configPath
    }

    public func run() -> DoctorReport {
        let daemon = probes.file(configPath) == .missing ? nil : probes.daemonCheck(configPath)
        let (configCheck, loaded) = configuration(daemon)
        let config = loaded ?? Configuration()
        var checks = [uinputModule(), uinputNode(), inputDevices(), inputMinors(config)]
        checks += groups(config)
        checks.append(configCheck)
        checks.append(keymap(config, loaded: loaded != nil, daemon))
        let service = self.service()
        checks.append(service)
        checks.append(socket("agent socket", config.sockets.agentPath, group: config.sockets.agentGroup, serviceDown: service.outcome == .fail))
        checks.append(socket("control socket", config.sockets.controlPath, group: config.sockets.controlGroup, serviceDown: service.outcome == .fail))
        checks.append(auditKey(config.audit.keyPath))
        checks.append(x11(config))
        return DoctorReport(checks: checks)
    }

    // MARK: - Kernel

    func uinputModule() -> DoctorCheck {
        if probes.file("/sys/module/uinput").facts?.kind == .directory {
            return DoctorCheck("uinput module", .ok, "loaded")
        }
        if probes.file("/sys/class/misc/uinput").facts != nil {
            return DoctorCheck("uinput module", .ok, "built into the kernel")
        }
        return DoctorCheck("uinput module", .fail, "not loaded: inputmuxd cannot create its devices",
                           fix: "run `modprobe uinput`; `make install` puts uinput in modules-load.d so it loads at boot")
    }

    func uinputNode() -> DoctorCheck {
        let name = "/dev/uinput"
        switch probes.file(name) {
        case .missing, .denied:
            return DoctorCheck(name, .fail, "missing", fix: "load the module (`modprobe uinput`); udev then creates the node")
        case .found(let f):
            guard f.kind == .characterDevice else {
                return DoctorCheck(name, .fail, "is not a character device", fix: "remove it and run `modprobe -r uinput; modprobe uinput`")
            }
            let owner = "\(f.octal) \(user(f.uid)):\(group(f.gid))"
            if f.uid != 0 || f.mode & 0o077 != 0 {
                return DoctorCheck(name, .warn, "\(owner): users other than root can inject input past InputMux",
                                   fix: "install the udev rules (`make install`), then `udevadm trigger --action=change --sysname-match=uinput` (expected 0600 root:root)")
            }
            return DoctorCheck(name, .ok, owner)
        }
    }

    func inputDevices() -> DoctorCheck {
        if probes.file("/dev/input").facts?.kind == .directory {
            return DoctorCheck("/dev/input", .ok, "present")
        }
        return DoctorCheck("/dev/input", .fail, "missing: no evdev devices to grab", fix: "load the evdev module (`modprobe evdev`)")
    }

    /// Every session's devices take 3 of the kernel's 1024 input minors, with joydev loaded
    /// or not (docs/INSTALL.md, "How many agent sessions fit"); a warning when the policy
    /// allows more sessions than the minors the other devices leave.
    func inputMinors(_ c: Configuration) -> DoctorCheck {
        let name = "input minors"
        let m = InputMinors(devices: probes.inputDevices())
        let others = m.clonesAssumed
            ? "other devices will hold about \(m.heldByOthers) (\(m.physicalDevices) physical devices, each counted twice for the clone the daemon may make)"
            : "other devices hold \(m.heldByOthers) (\(m.physicalDevices) physical devices and the daemon's clones)"
        let detail = "a session takes \(InputMinors.perSession) of the kernel's 1024 input minors, joydev loaded or not; \(others), so about \(m.sessionsThatFit) sessions fit"
        let allowed = c.policies.reduce(0) { $0 + $1.maximumSessions }
        if allowed > m.sessionsThatFit {
            return DoctorCheck(name, .warn, "\(detail), and the policy allows up to \(allowed)",
                               fix: "lower max_sessions in the policy so that the entries add up to at most \(m.sessionsThatFit)")
        }
        return DoctorCheck(name, .ok, detail)
    }

    // MARK: - Accounts and configuration

    func groups(_ c: Configuration) -> [DoctorCheck] {
        [(c.sockets.agentGroup, "agents"), (c.sockets.controlGroup, "operators")].compactMap { name, who in
            guard !name.isEmpty else { return nil }
            if let gid = probes.groupID(named: name) { return DoctorCheck("group \(name)", .ok, "gid \(gid) (\(who))") }
            return DoctorCheck("group \(name)", .fail, "missing: inputmuxd refuses to start without it",
                               fix: "run `systemd-sysusers` (`make install` installs sysusers.d/inputmux.conf) or `groupadd --system \(name)`")
        }
    }

    /// muxctl reads the file for its settings; the daemon's check (`daemon`) says whether
    /// a start would accept it, key names included.
    func configuration(_ daemon: DaemonCheckAnswer?) -> (DoctorCheck, Configuration?) {
        if probes.file(configPath) == .missing {
            return (DoctorCheck("configuration", .fail, "\(configPath) is missing: inputmuxd will not start",
                                fix: "`make install` installs the commented default (or copy inputmux.toml from the source tree)"), nil)
        }
        func broken(_ file: String, _ problems: [ConfigurationError.Problem]) -> DoctorCheck {
            let lines = problems.map { "\(file):\($0.line.map(String.init) ?? "-"): \($0.key.isEmpty ? "" : "\($0.key): ")\($0.message)" }
            return DoctorCheck("configuration", .fail, lines.joined(separator: "\n     "),
                               fix: "edit \(file) at the line\(problems.count == 1 ? "" : "s") shown (the commented default is in share/doc/inputmux/inputmux.toml); `inputmuxd --check --config \(file)` re-checks it")
        }
        switch probes.loadConfiguration(configPath) {
        case .success(let c):
            if case .checked(let check)? = daemon, !check.problems.isEmpty { return (broken(check.file, check.problems), nil) }
            let rules = c.policies.count
            let detail = "\(configPath) is valid; \(rules) [[policy]] rule\(rules == 1 ? "" : "s")"
                + (rules == 0 ? " (only root may connect as an agent)" : "")
            if case .unavailable(let why)? = daemon {
                return (DoctorCheck("configuration", .warn, "\(detail), but its key names were not checked: \(why)",
                                    fix: "install inputmuxd next to muxctl (`make install`): doctor asks `inputmuxd --check` what only the daemon can check"), c)
            }
            return (DoctorCheck("configuration", .ok, detail), c)
        case .failure(let e):
            return (broken(e.file, e.problems), nil)
        }
    }

    func keymap(_ c: Configuration, loaded: Bool, _ daemon: DaemonCheckAnswer?) -> DoctorCheck {
        let k = c.keymap
        let what = "layout \"\(k.layout)\"" + (k.variant.isEmpty ? "" : " variant \"\(k.variant)\"") + " model \"\(k.model)\""
        guard loaded else { return DoctorCheck("keymap", .skip, "not checked: the configuration did not load") }
        switch daemon {
        case .checked(let check)?:
            if let problem = check.keymapProblem {
                return DoctorCheck("keymap", .fail, "\(what) does not compile: \(problem)",
                                   fix: "install xkb-data, and set [keymap] to the layout the desktop uses (`localectl status` shows it)")
            }
            return check.keymapChecked ? DoctorCheck("keymap", .ok, what + " compiles")
                : DoctorCheck("keymap", .skip, "\(what) not checked: inputmuxd did not compile it")
        case .unavailable(let why)?:
            return DoctorCheck("keymap", .skip, "\(what) not checked: \(why)")
        case nil:
            return DoctorCheck("keymap", .skip, "not checked: the configuration is missing")
        }
    }

    // MARK: - Service and sockets

    func service() -> DoctorCheck {
        guard probes.systemdRunning else {
            return DoctorCheck("service", .skip, "systemd is not running here; start inputmuxd by other means")
        }
        guard let state = probes.unitState("inputmuxd.service") else {
            return DoctorCheck("service", .skip, "systemctl could not be run")
        }
        if state == "active" { return DoctorCheck("service", .ok, "inputmuxd.service is active") }
        if state == "activating" || state == "reloading" {
            return DoctorCheck("service", .warn, "inputmuxd.service is \(state)", fix: "wait a moment and run doctor again")
        }
        return DoctorCheck("service", .fail, "inputmuxd.service is \(state)",
                           fix: "run `systemctl enable --now inputmuxd`; if it does not stay up, `journalctl -u inputmuxd -n 20` says why")
    }

    func socket(_ name: String, _ path: String, group wanted: String, serviceDown: Bool) -> DoctorCheck {
        let facts: FileFacts
        switch probes.file(path) {
        case .missing:
            return DoctorCheck(name, .fail, "\(path) is missing",
                               fix: serviceDown ? "start inputmuxd (see the service check)" : "inputmuxd is not running with this configuration's [sockets]: restart it (`systemctl restart inputmuxd`)")
        case .denied:
            return DoctorCheck(name, .warn, "\(path) cannot be looked at by uid \(probes.effectiveUID)", fix: "run `sudo muxctl doctor`")
        case .found(let f):
            facts = f
        }
        guard facts.kind == .socket else {
            return DoctorCheck(name, .fail, "\(path) is not a socket", fix: "remove it and restart inputmuxd")
        }
        let expectedMode: UInt32 = wanted.isEmpty ? 0o600 : 0o660
        let shown = "\(facts.octal) \(user(facts.uid)):\(group(facts.gid))"
        let groupOK = wanted.isEmpty || probes.groupName(of: facts.gid) == wanted
        if facts.mode != expectedMode || facts.uid != 0 || !groupOK {
            let expected = wanted.isEmpty ? "0600 root:root" : "0660 root:\(wanted)"
            return DoctorCheck(name, .fail, "\(path) is \(shown), expected \(expected)",
                               fix: "someone changed it: restart inputmuxd, which makes its sockets safe or refuses to start")
        }
        switch probes.connect(path) {
        case .connected:
            return DoctorCheck(name, .ok, "\(path) \(shown), listening")
        case .denied:
            return DoctorCheck(name, .warn, "\(path) \(shown); uid \(probes.effectiveUID) may not connect",
                               fix: wanted.isEmpty ? "run muxctl as root" : "run as root, or join group \(wanted) (`usermod -aG \(wanted) USER`, then log in again)")
        case .refused:
            return DoctorCheck(name, .fail, "\(path) is a stale socket: nobody listens",
                               fix: "restart inputmuxd (`systemctl restart inputmuxd`)")
        case .missing:
            return DoctorCheck(name, .fail, "\(path) vanished while checking", fix: "run doctor again; check `systemctl status inputmuxd`")
        case .failed(let why):
            return DoctorCheck(name, .fail, "\(path): cannot connect: \(why)", fix: "check `systemctl status inputmuxd`")
        }
    }

    // MARK: - Audit and X11

    func auditKey(_ path: String) -> DoctorCheck {
        switch probes.file(path) {
        case .missing:
            return DoctorCheck("audit key", .ok, "\(path) not made yet (inputmuxd makes it on first start)")
        case .denied:
            return DoctorCheck("audit key", .skip, "\(path) is root's only; run `sudo muxctl doctor` to check it")
        case .found(let f):
            if f.kind != .regular {
                return DoctorCheck("audit key", .fail, "\(path) is not a regular file", fix: "remove it; inputmuxd makes a new key at start")
            }
            if f.mode & 0o077 != 0 || f.uid != 0 {
                return DoctorCheck("audit key", .fail, "\(path) is \(f.octal) \(user(f.uid)): inputmuxd refuses to start",
                                   fix: "run `chown root:root \(path) && chmod 600 \(path)`")
            }
            if f.size != AuditKey.byteCount {
                return DoctorCheck("audit key", .fail, "\(path) holds \(f.size) bytes, not \(AuditKey.byteCount)",
                                   fix: "remove it to make a new key (old text hashes can then no longer be checked)")
            }
            return DoctorCheck("audit key", .ok, "\(path) 0600 root")
        }
    }

    func x11(_ c: Configuration) -> DoctorCheck {
        guard c.output == .xtest else {
            return DoctorCheck("X11", .skip, "not used (output.mode = \"\(c.output.rawValue)\")")
        }
        let display = probes.environment("DISPLAY") ?? ""
        guard let number = Self.displayNumber(display) else {
            return DoctorCheck("X11", .fail, "output.mode is \"xtest\" but DISPLAY is \(display.isEmpty ? "not set" : "\"\(display)\", not a local display")",
                               fix: "set the display for the service: `systemctl edit inputmuxd`, add `Environment=DISPLAY=:0`")
        }
        let socket = "/tmp/.X11-unix/X\(number)"
        switch probes.connect(socket) {
        case .connected:
            return DoctorCheck("X11", .ok, "display \(display) is reachable (\(socket))")
        case .denied:
            return DoctorCheck("X11", .fail, "display \(display): no permission on \(socket)",
                               fix: "allow root on the display: `xhost +si:localuser:root` in the desktop session")
        default:
            return DoctorCheck("X11", .fail, "display \(display): no X server listens on \(socket)",
                               fix: "start the X server (or Xvfb \(display)) before inputmuxd")
        }
    }

    /// `:0`, `:1.0`, `unix:2` → the display number; nil for a remote display.
    static func displayNumber(_ display: String) -> Int? {
        guard let colon = display.lastIndex(of: ":") else { return nil }
        let host = display[..<colon]
        guard host.isEmpty || host == "unix" else { return nil }
        let rest = display[display.index(after: colon)...]
        return Int(rest.split(separator: ".", maxSplits: 1).first ?? "")
    }

    private func user(_ uid: UInt32) -> String { uid == 0 ? "root" : "uid \(uid)" }
    private func group(_ gid: UInt32) -> String { probes.groupName(of: gid) ?? String(gid) }
}
