import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux

/// A real `inputmuxd` started for a benchmark (in the guest, as root): its configuration
/// and log in a fresh temp dir, its sockets in `/run/inputmux-bench`.
final class BenchDaemon {
    static let socketDirectory = "/run/inputmux-bench"
    let agentSocket = socketDirectory + "/agent.sock"
    let controlSocket = socketDirectory + "/control.sock"
    let directory: String
    private let process: ChildProcess
    var pid: pid_t { process.pid }
    private var running = true

    /// The daemon's binary: beside this executable (`/opt/inputmux/bin` in the guest).
    static var binary: String { HarnessFiles.beside("inputmuxd") }

    /// Starts the daemon with `pacing` on or off, the given quiet period, no rate limit
    /// and room for many sessions; returns once it logged READY.
    init(pacing: Bool, quietPeriodMs: Int = 300, timeout: Duration = .seconds(30)) throws {
        do { directory = try HarnessFiles.temporaryDirectory("muxbench-daemon") } catch { throw BenchError(error.description) }
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
        do {
            try HarnessFiles.write(directory + "/inputmux.toml", config)
            // As systemd/inputmuxd.service runs it: Nice=-10 (agents and benchmark clients
            // run at 0), so the human's input thread keeps ahead of agent work.
            process = try DaemonProcess.start(["/usr/bin/nice", "-n", "\(Self.unitNice)", Self.binary, "--config", directory + "/inputmux.toml"],
                                              readiness: .logSaysReady(logPath: directory + "/inputmuxd.log"), timeout: timeout)
        } catch {
            throw BenchError(error.description)
        }
    }

    /// The `Nice=` of the shipped unit.
    static let unitNice = -10

    deinit { stop() }

    /// SIGTERM and wait (SIGKILL after 60 s).
    func stop() {
        guard running else { return }
        running = false
        let began = MonotonicClock.now()
        process.send(SIGTERM)
        let killed = process.wait(timeout: .seconds(60)) == nil
        if killed { process.kill() }
        note(killed ? "inputmuxd did not stop within 60 s of SIGTERM and was killed"
                    : "inputmuxd stopped \(Stats.fmt(Double((MonotonicClock.now() - began).nanosecondCount) / 1e9, digits: 2)) s after SIGTERM")
        _ = try? ChildProcess.run("/bin/rm", ["-rf", directory])
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

    static func read(_ path: String) -> String { HarnessFiles.text(path) }

    static func write(_ path: String, _ text: String) throws {
        do { try HarnessFiles.write(path, text) } catch { throw BenchError(error.description) }
    }
}
