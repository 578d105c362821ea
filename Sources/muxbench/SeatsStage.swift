import Foundation
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxHarness
import InputMuxLinux

/// One mode's world: an Xvfb, the recording X client's windows on it, and an inputmuxd
/// in XTest mode on it, paced, with seats of their own or not.
final class SeatsStage {
    let seat: SeatsTypist.Seat
    private var xvfb: XvfbServer?
    private(set) var windows: RecordingClient?
    private var daemon: ChildProcess?
    private let directory: String
    private let control: BenchClient
    /// The control session's view of an idle daemon: how many sessions it lists.
    private var idleSessions = 0
    var agentSocket: String { directory + "/agent.sock" }

    init(seat: SeatsTypist.Seat, script: String) throws {
        self.seat = seat
        let x: XvfbServer
        do { x = try XvfbServer(width: 1280, height: 800) } catch { throw BenchError(error.description) }
        xvfb = x
        do { windows = try RecordingClient(script: script, display: x.display, SeatsBenchmark.windowSpecs) } catch { throw BenchError(error.description) }
        let (d, dir) = try X11Benchmark.parse([]).startDaemon(display: x.display, pacing: true, seats: seat == .own)
        daemon = d
        directory = dir
        control = try BenchClient(dir + "/control.sock")
        _ = try control.ok(["type": "hello", "protocol": 1])
        idleSessions = try control.ok(["type": "status"])["sessions"].array?.count ?? 0
    }

    deinit { stop() }

    /// Waits until the last measurement's sessions have ended and nothing is held.
    func waitIdle() throws {
        let deadline = MonotonicClock.now() + .seconds(20)
        while true {
            let s = try control.ok(["type": "status"])
            if (s["sessions"].array?.count ?? 0) <= idleSessions && (s["held"].array ?? []).isEmpty && (s["seats"].array ?? []).isEmpty { break }
            guard MonotonicClock.now() < deadline else { throw BenchError("the \(seat) seat daemon still has sessions 20 s after a measurement: \(s.serialized)") }
            MonotonicClock.sleep(.milliseconds(20))
        }
        // The daemon's X thread removes an ended session's seat after the engine let it go.
        MonotonicClock.sleep(.milliseconds(200))
    }

    /// CPU time (user + system, seconds) inputmuxd and Xvfb have used so far.
    func cpuSeconds() -> (daemon: Double, xvfb: Double) {
        (daemon.map { Self.cpuSeconds(of: $0.pid) } ?? 0, xvfb.map { Self.cpuSeconds(of: $0.server.pid) } ?? 0)
    }

    /// utime + stime of /proc/PID/stat (fields 14 and 15, counted after the command's
    /// closing parenthesis), in seconds.
    static func cpuSeconds(of pid: pid_t) -> Double {
        let stat = HarnessFiles.text("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The daemon and the X client leave the X server before it stops.
    func stop() {
        daemon?.stop()
        daemon = nil
        windows = nil
        xvfb = nil
        try? FileManager.default.removeItem(atPath: directory)
    }
}
