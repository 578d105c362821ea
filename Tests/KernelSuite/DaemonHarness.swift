import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// A real `inputmuxd` for one test: its configuration in a fresh temp dir, its sockets
/// under `/run/inputmux-test` (root's, mode 0755), its log in a file (a pipe nobody reads
/// would stall its logging).
final class DaemonUnderTest {
    static let socketDirectory = "/run/inputmux-test"
    static let binary = HarnessFiles.beside("inputmuxd")

    struct Options {
        var quietPeriodMilliseconds = 300
        /// Group allowed on the agent socket; "" keeps it root-only (0600).
        var agentGroup = ""
        /// More TOML: `[panic]`, `[[sensitive]]`, `[[policy]]` tables.
        var extraTOML = ""
    }

    let directory: String
    let configPath: String
    let logPath: String
    let agentSocket = socketDirectory + "/agent.sock"
    let controlSocket = socketDirectory + "/control.sock"
    let options: Options
    private var process: ChildProcess?
    var pid: pid_t { process?.pid ?? 0 }

    /// Writes the configuration and starts the daemon; returns once it logged READY.
    init(_ options: Options = Options()) throws {
        self.options = options
        directory = try HarnessFiles.temporaryDirectory("inputmux-daemon-test")
        configPath = directory + "/inputmux.toml"
        logPath = directory + "/inputmuxd.log"
        try Self.prepareSocketDirectory()
        let toml = """
            [human]
            quiet_period_ms = \(options.quietPeriodMilliseconds)

            [sockets]
            agent = "\(agentSocket)"
            control = "\(controlSocket)"
            agent_group = "\(options.agentGroup)"
            control_group = ""

            [audit]
            path = "\(directory)/audit.jsonl"
            key_path = "\(directory)/audit.key"

            \(options.extraTOML)
            """
        try writeFile(configPath, toml)
        try start()
    }

    deinit { process?.kill() }

    static func prepareSocketDirectory() throws {
        if mkdir(socketDirectory, 0o755) != 0 && errno != EEXIST { throw TestFailure("mkdir \(socketDirectory): errno \(errno)") }
        guard chown(socketDirectory, 0, 0) == 0, chmod(socketDirectory, 0o755) == 0 else {
            throw TestFailure("chown/chmod \(socketDirectory): errno \(errno)")
        }
    }

    /// Starts (or restarts) the daemon with this configuration and waits for READY.
    func start(timeout: Duration = .seconds(20)) throws {
        process = try DaemonProcess.start([Self.binary, "--config", configPath], readiness: .logSaysReady(logPath: logPath), timeout: timeout)
    }

    /// The daemon's log (stdout and stderr) from byte `offset` on.
    func log(from offset: Int = 0) -> String {
        readFileText(logPath, from: offset) ?? ""
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// SIGTERM and wait for a clean exit (fails if it takes longer than `timeout`).
    func stop(timeout: Duration = .seconds(10)) throws {
        guard let process, process.isRunning else { return }
        process.send(SIGTERM)
        try waitForCleanExit(timeout: timeout)
    }

    /// Waits for the exit a SIGTERM already asked for; fails unless it is clean and within
    /// `timeout` (then the daemon is killed).
    func waitForCleanExit(timeout: Duration) throws {
        guard let process else { return }
        if let t = process.wait(timeout: timeout) {
            try expect(t.isSuccess, "inputmuxd ended with \(t) after SIGTERM: \(log().suffix(1500))")
            return
        }
        process.kill()
        throw TestFailure("inputmuxd did not stop within \(timeout) of SIGTERM: \(log().suffix(1500))")
    }

    /// SIGKILL, reaped.
    func killHard() {
        process?.kill()
    }

    /// A control connection after hello.
    func control() throws -> DaemonClient {
        let c = try DaemonClient(controlSocket)
        let r = try c.request(["type": "hello", "protocol": 1])
        try expect(r["ok"] == true, "control hello refused: \(r)")
        return c
    }

    /// A control connection that streams every audit decision.
    func monitor() throws -> DaemonClient {
        let c = try control()
        let r = try c.request(["type": "monitor"])
        try expect(r["ok"] == true, "monitor refused: \(r)")
        return c
    }

    /// The clone the daemon made for physical node `devnode` (waits for a hotplug grab).
    func clone(of devnode: String, timeout: Duration = .seconds(5)) throws -> String {
        let c = try control()
        let began = MonotonicClock.now()
        var last = JSON.null
        while MonotonicClock.now() - began < timeout {
            last = try c.request(["type": "status"])
            for d in last["result"]["devices"].elements where d["path"].string == devnode {
                if let clone = d["clone"].string { return clone }
            }
            MonotonicClock.sleep(.milliseconds(50))
        }
        throw TestFailure("the daemon did not grab \(devnode) within \(timeout): devices \(last["result"]["devices"])")
    }

    /// Lease status as the operator sees it.
    func status() throws -> JSON {
        let r = try control().request(["type": "status"])
        try expect(r["ok"] == true, "status refused: \(r)")
        return r["result"]
    }
}

func writeFile(_ path: String, _ text: String) throws { try HarnessFiles.write(path, text) }

func fileSize(_ path: String) -> Int { HarnessFiles.size(path) }

func readFileText(_ path: String, from offset: Int = 0) -> String? { HarnessFiles.text(path, from: offset) }

extension Frame {
    /// The ABS_X/ABS_Y values this frame sets.
    var absPoint: (x: Int32?, y: Int32?) {
        var x: Int32?, y: Int32?
        for e in events where e.type == EV.abs {
            if e.code == ABS.x { x = e.value }
            if e.code == ABS.y { y = e.value }
        }
        return (x, y)
    }

    func has(_ type: UInt16, _ code: Int32, _ value: Int32) -> Bool {
        events.contains { $0.type == type && Int32($0.code) == code && $0.value == value }
    }
}

/// What a pointer device did, replayed from its frames: every position it took and the
/// button changes in order.
struct PointerTrace {
    var positions: [Point] = []
    var buttons: [(code: UInt16, value: Int32, at: Point?)] = []
    var sameFramePressRelease = false

    init(_ frames: [Frame]) {
        var x: Int32?, y: Int32?
        for f in frames {
            let p = f.absPoint
            if let px = p.x { x = px }
            if let py = p.y { y = py }
            if p.x != nil || p.y != nil, let x, let y { positions.append(Point(x: x, y: y)) }
            var pressed = Set<UInt16>(), released = Set<UInt16>()
            for e in f.events where e.type == EV.key {
                buttons.append((e.code, e.value, x.flatMap { px in y.map { Point(x: px, y: $0) } }))
                if e.value == 1 { pressed.insert(e.code) } else if e.value == 0 { released.insert(e.code) }
            }
            if !pressed.isDisjoint(with: released) { sameFramePressRelease = true }
        }
    }
}

/// Key codes and values of a keyboard device's frames, in order.
func keyEvents(_ frames: [Frame]) -> [(UInt16, Int32)] {
    frames.flatMap { $0.events.filter { $0.type == EV.key }.map { ($0.code, $0.value) } }
}
