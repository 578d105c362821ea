import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// A real `inputmuxd` for one test: its configuration in a fresh temp dir, its sockets
/// under `/run/inputmux-test` (root's, mode 0755), its log in a file (a pipe nobody reads
/// would stall its logging).
final class DaemonUnderTest {
    static let socketDirectory = "/run/inputmux-test"
    static let binary: String = {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let me = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/opt/inputmux/bin/muxkerneltests"
        return String(me[..<(me.lastIndex(of: "/") ?? me.startIndex)]) + "/inputmuxd"
    }()

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
    private(set) var pid: pid_t = 0
    private var reaped = true

    /// Writes the configuration and starts the daemon; returns once it logged READY.
    init(_ options: Options = Options()) throws {
        self.options = options
        var template = Array("/tmp/inputmux-daemon-test.XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp: errno \(errno)") }
        directory = String(cString: dir)
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

    deinit { if !reaped { kill(pid, SIGKILL); var s: Int32 = 0; waitpid(pid, &s, 0) } }

    static func prepareSocketDirectory() throws {
        if mkdir(socketDirectory, 0o755) != 0 && errno != EEXIST { throw TestFailure("mkdir \(socketDirectory): errno \(errno)") }
        guard chown(socketDirectory, 0, 0) == 0, chmod(socketDirectory, 0o755) == 0 else {
            throw TestFailure("chown/chmod \(socketDirectory): errno \(errno)")
        }
    }

    /// Starts (or restarts) the daemon with this configuration and waits for READY.
    func start(timeout: Duration = .seconds(20)) throws {
        let logStart = fileSize(logPath)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let args = [Self.binary, "--config", configPath]
        let argv = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, Self.binary, &actions, nil, argv, environ)
        guard rc == 0 else { throw TestFailure("cannot start \(Self.binary): \(String(cString: strerror(rc)))") }
        pid = child
        reaped = false
        let began = MonotonicClock.now()
        while MonotonicClock.now() - began < timeout {
            if log(from: logStart).contains("inputmuxd ready") { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                throw TestFailure("inputmuxd exited during start (status \(status)): \(log(from: logStart).suffix(1500))")
            }
            MonotonicClock.sleep(.milliseconds(20))
        }
        throw TestFailure("inputmuxd not ready within \(timeout): \(log(from: logStart).suffix(1500))")
    }

    /// The daemon's log (stdout and stderr) from byte `offset` on.
    func log(from offset: Int = 0) -> String {
        readFileText(logPath, from: offset) ?? ""
    }

    var isRunning: Bool {
        if reaped { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true; return false }
        return true
    }

    /// SIGTERM and wait for a clean exit (fails if it takes longer than `timeout`).
    func stop(timeout: Duration = .seconds(10)) throws {
        guard !reaped else { return }
        kill(pid, SIGTERM)
        try waitForCleanExit(timeout: timeout)
    }

    /// Waits for the exit a SIGTERM already asked for; fails unless it is clean and within
    /// `timeout` (then the daemon is killed).
    func waitForCleanExit(timeout: Duration) throws {
        guard !reaped else { return }
        let began = MonotonicClock.now()
        while MonotonicClock.now() - began < timeout {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                try expect(status == 0, "inputmuxd exited with status \(status) after SIGTERM: \(log().suffix(1500))")
                return
            }
            MonotonicClock.sleep(.milliseconds(20))
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        reaped = true
        throw TestFailure("inputmuxd did not stop within \(timeout) of SIGTERM: \(log().suffix(1500))")
    }

    /// SIGKILL, reaped.
    func killHard() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        reaped = true
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

func writeFile(_ path: String, _ text: String) throws {
    guard let f = fopen(path, "w") else { throw TestFailure("cannot write \(path): errno \(errno)") }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw TestFailure("short write to \(path)") }
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

func readFileText(_ path: String, from offset: Int = 0) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    fseek(f, offset, SEEK_SET)
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

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
