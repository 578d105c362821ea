import Glibc
import InputMuxCore
import InputMuxLinux

/// A real `inputmuxd` started for a benchmark (in the guest, as root): its configuration
/// and log in a fresh temp dir, its sockets in `/run/inputmux-bench`.
final class BenchDaemon {
    static let socketDirectory = "/run/inputmux-bench"
    let agentSocket = socketDirectory + "/agent.sock"
    let controlSocket = socketDirectory + "/control.sock"
    let directory: String
    let pid: pid_t
    private var running = true

    /// The daemon's binary: beside this executable (`/opt/inputmux/bin` in the guest).
    static var binary: String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let me = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/opt/inputmux/bin/muxbench"
        return String(me[..<(me.lastIndex(of: "/") ?? me.startIndex)]) + "/inputmuxd"
    }

    /// Starts the daemon with `pacing` on or off, the given quiet period, no rate limit
    /// and room for many sessions; returns once it logged READY.
    init(pacing: Bool, quietPeriodMs: Int = 300, timeout: Duration = .seconds(30)) throws {
        var template = Array("/tmp/muxbench-daemon.XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw BenchError("mkdtemp: errno \(errno)") }
        directory = String(cString: dir)
        if mkdir(Self.socketDirectory, 0o755) != 0 && errno != EEXIST { throw BenchError("mkdir \(Self.socketDirectory): errno \(errno)") }
        chmod(Self.socketDirectory, 0o755)
        let config = """
            [pacing]
            enabled = \(pacing)

            [human]
            quiet_period_ms = \(quietPeriodMs)

            [limits]
            max_in_flight = 4096
            rate_per_second = 1000000
            burst = 1000000

            [sockets]
            agent = "\(agentSocket)"
            control = "\(controlSocket)"
            agent_group = ""
            control_group = ""

            [audit]
            path = "\(directory)/audit.jsonl"
            key_path = "\(directory)/audit.key"
            """
        try Self.write(directory + "/inputmux.toml", config)
        let log = directory + "/inputmuxd.log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // As systemd/inputmuxd.service runs it: Nice=-10 (agents and benchmark clients
        // run at 0), so the human's input thread keeps ahead of agent work.
        pid = try BenchProcess.spawn(["/usr/bin/nice", "-n", "\(Self.unitNice)", Self.binary, "--config", directory + "/inputmux.toml"],
                                     actions: &actions)
        let began = MonotonicClock.now()
        while MonotonicClock.now() - began < timeout {
            if Self.read(log).contains("inputmuxd ready") { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                running = false
                throw BenchError("inputmuxd exited during start: \(Self.read(log).suffix(800))")
            }
            MonotonicClock.sleep(.milliseconds(20))
        }
        stop()
        throw BenchError("inputmuxd not ready within \(timeout): \(Self.read(log).suffix(800))")
    }

    /// The `Nice=` of the shipped unit.
    static let unitNice = -10

    deinit { stop() }

    /// SIGTERM and wait (SIGKILL after 20 s).
    func stop() {
        guard running else { return }
        running = false
        kill(pid, SIGTERM)
        let began = MonotonicClock.now()
        var status: Int32 = 0
        var killed = false
        while waitpid(pid, &status, WNOHANG) != pid {
            if MonotonicClock.now() - began > .seconds(60) { kill(pid, SIGKILL); waitpid(pid, &status, 0); killed = true; break }
            MonotonicClock.sleep(.milliseconds(10))
        }
        note(killed ? "inputmuxd did not stop within 60 s of SIGTERM and was killed"
                    : "inputmuxd stopped \(Stats.fmt(Double((MonotonicClock.now() - began).nanosecondCount) / 1e9, digits: 2)) s after SIGTERM")
        _ = BenchProcess.run(["/bin/rm", "-rf", directory])
    }

    /// The daemon's resident set (VmRSS in /proc/PID/status), in kB.
    func residentKilobytes() -> Int? {
        for line in Self.read("/proc/\(pid)/status").split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    /// The clone the daemon made of physical node `devnode` (waits for the grab).
    func clone(of devnode: String, timeout: Duration = .seconds(10)) throws -> String {
        let control = try BenchClient(controlSocket)
        _ = try control.ok(["type": "hello", "protocol": 1])
        let began = MonotonicClock.now()
        while MonotonicClock.now() - began < timeout {
            let status = try control.ok(["type": "status"])
            if case .array(let devices) = status["devices"] {
                for d in devices where d["path"].string == devnode {
                    if let clone = d["clone"].string { return clone }
                }
            }
            MonotonicClock.sleep(.milliseconds(50))
        }
        throw BenchError("inputmuxd did not grab \(devnode) within \(timeout)")
    }

    static func write(_ path: String, _ text: String) throws {
        guard let f = fopen(path, "w") else { throw BenchError("cannot write \(path): errno \(errno)") }
        defer { fclose(f) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw BenchError("short write to \(path)") }
    }

    static func read(_ path: String) -> String {
        guard let f = fopen(path, "r") else { return "" }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Starting other programs.
enum BenchProcess {
    /// posix_spawn of `args` (args[0] is the path); returns the pid.
    static func spawn(_ args: [String], actions: UnsafeMutablePointer<posix_spawn_file_actions_t>? = nil) throws -> pid_t {
        let argv = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], actions, nil, argv, environ)
        guard rc == 0 else { throw BenchError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Runs `args` with stdout and stderr to /dev/null and returns its exit status.
    @discardableResult
    static func run(_ args: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard let pid = try? spawn(args, actions: &actions) else { return -1 }
        return wait(pid)
    }

    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
