import ArgumentParser
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux
import Synchronization

/// `muxbench flood-agents` (started by `muxbench daemon`, not by people): N sessions,
/// each leasing its own column and clicking as fast as the daemon answers while the
/// controller says so. Reads commands from stdin: `f` floods, `i` idles (and prints
/// "OK n REJECTED m" for the flood just ended), end of input quits. Prints READY first.
struct FloodAgents: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flood-agents", shouldDisplay: false)

    @Option var socket: String
    @Option var agents = 16

    func run() throws {
        let sessions = try AgentInjection.connect(agents, socket: socket, prefix: "flood").agents
        for (i, a) in sessions.enumerated() { _ = try a.lease(AgentInjection.column(i, of: agents).text) }
        let state = Mutex<UInt8>(UInt8(ascii: "i"))
        let counts = Mutex<(ok: Int, rejected: Int)>((0, 0))
        writeOut("READY")
        let boxed = sessions.map { AgentInjection.Handoff(value: $0) }
        let n = agents
        let control = AgentInjection.Handoff(value: {
            var c: UInt8 = 0
            while read(0, &c, 1) == 1 {
                if c == UInt8(ascii: "f") { counts.withLock { $0 = (0, 0) } }
                if c == UInt8(ascii: "f") || c == UInt8(ascii: "i") { state.withLock { $0 = c } }
                if c == UInt8(ascii: "i") {
                    MonotonicClock.sleep(.milliseconds(50))
                    let (ok, rejected) = counts.withLock { $0 }
                    writeOut("OK \(ok) REJECTED \(rejected)")
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

    private func writeOut(_ s: String) {
        let bytes = Array((s + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
