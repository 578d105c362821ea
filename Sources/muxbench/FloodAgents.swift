import ArgumentParser
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux
import Synchronization

/// `muxbench flood-agents` (started by `muxbench daemon`, not by people): N sessions,
/// each leasing its own column and clicking as fast as the daemon answers while the
/// controller says so. Reads commands from stdin: `f` floods, `i` idles (and prints
/// "OK n REJECTED m CPU u" for the flood just ended: clicks done, refused, and the CPUs
/// this process kept busy), `b` keeps the same threads as busy as the last flood did
/// without a request to the daemon (the control), end of input quits. Prints READY first.
struct FloodAgents: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flood-agents", shouldDisplay: false)

    @Option var socket: String
    @Option var agents = 16

    func run() throws {
        let sessions = try AgentInjection.connect(agents, socket: socket, prefix: "flood").agents
        for (i, a) in sessions.enumerated() { _ = try a.lease(AgentInjection.column(i, of: agents).text) }
        let state = Mutex<UInt8>(UInt8(ascii: "i"))
        let counts = Mutex<(ok: Int, rejected: Int)>((0, 0))
        // The last flood's CPU use (in CPUs) and its CPU time per click, which `b`
        // reproduces without requests.
        let load = Mutex<(began: (cpu: Double, wall: Double)?, cpus: Double, perClick: Double)>((nil, 0, 0))
        writeOut("READY")
        let boxed = sessions.map { AgentInjection.Handoff(value: $0) }
        let n = agents
        let control = AgentInjection.Handoff(value: {
            var c: UInt8 = 0
            while read(0, &c, 1) == 1 {
                if c == UInt8(ascii: "f") {
                    counts.withLock { $0 = (0, 0) }
                    load.withLock { $0.began = Self.cpuAndWall() }
                }
                if c == UInt8(ascii: "i"), let began = load.withLock({ $0.began }) {
                    let now = Self.cpuAndWall(), clicks = counts.withLock { $0.ok + $0.rejected }
                    load.withLock {
                        $0 = (nil, (now.cpu - began.cpu) / max(now.wall - began.wall, 1e-6), (now.cpu - began.cpu) / Double(max(clicks, 1)))
                    }
                }
                if c == UInt8(ascii: "f") || c == UInt8(ascii: "i") || c == UInt8(ascii: "b") { state.withLock { $0 = c } }
                if c == UInt8(ascii: "i") {
                    MonotonicClock.sleep(.milliseconds(50))
                    let (ok, rejected) = counts.withLock { $0 }
                    writeOut("OK \(ok) REJECTED \(rejected) CPU \(load.withLock { $0.cpus })")
                }
            }
            state.withLock { $0 = UInt8(ascii: "q") }
        })
        runConcurrently(n + 1) { i in
            if i == n { control.value(); return }
            let agent = boxed[i].value
            let col = AgentInjection.column(i, of: n)
            var k = 0
            while true {
                let s = state.withLock { $0 }
                if s == UInt8(ascii: "q") { return }
                if s == UInt8(ascii: "b") {
                    let (cpus, perClick) = load.withLock { ($0.cpus, $0.perClick) }
                    Self.busy(seconds: perClick, share: cpus / Double(n))
                    continue
                }
                if s != UInt8(ascii: "f") { MonotonicClock.sleep(.milliseconds(5)); continue }
                k += 1
                let x = col.x + col.width / 4 + (k % 2) * col.width / 2
                guard let r = try? agent.client.request(["type": "gesture", "action": "click", "x": .int(Int64(x)), "y": 400]) else { return }
                agent.client.discardEvents()
                let ok = r["ok"] == .bool(true)
                counts.withLock { if ok { $0.ok += 1 } else { $0.rejected += 1 } }
            }
        }
    }

    /// This process's CPU time (user + system) and the monotonic clock, in seconds.
    static func cpuAndWall() -> (cpu: Double, wall: Double) {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        let cpu = Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        return (cpu, Double(MonotonicClock.now().nanoseconds) / 1e9)
    }

    /// One period of the control: spins as long as a click cost the flood in CPU time,
    /// then sleeps so that the thread uses `share` of a CPU, as a flooding thread did,
    /// with no request to anyone.
    static func busy(seconds: Double, share: Double) {
        let spin = Int64(min(max(seconds, 1e-6), 0.01) * 1e9)
        let start = MonotonicClock.now().nanoseconds
        while MonotonicClock.now().nanoseconds - start < spin {}
        guard share > 0, share < 1 else { return }
        let rest = Double(spin) * (1 / share - 1)
        MonotonicClock.sleep(.nanoseconds(Int64(min(rest, 50_000_000))))
    }

    private func writeOut(_ s: String) {
        let bytes = Array((s + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
