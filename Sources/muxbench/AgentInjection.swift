import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux
import Synchronization

/// Clicks and typing through inputmuxd, read back on each agent's own devices.
enum AgentInjection {
    /// Moves a non-Sendable value to the one thread that uses it.
    struct Handoff<T>: @unchecked Sendable { let value: T }

    /// Column `i` of `n` equal columns of the 1920x1080 desktop, as "x,y,WxH".
    static func column(_ i: Int, of n: Int) -> (text: String, x: Int, width: Int) {
        let w = 1920 / n
        return ("\(i * w),0,\(w)x1080", i * w, w)
    }

    /// Each agent, on its own thread and all at once, clicks `clicks` times inside its
    /// column, one click at a time (send, wait for the reply). A latency is request sent
    /// → button press readable on the agent's pointer node.
    static func clicks(_ agents: [BenchAgent], columns: Int, clicks: Int) throws -> (latencies: [Int64], wall: Int64) {
        let results = Mutex<[Int64]>([])
        let failures = Mutex<[String]>([])
        let boxed = agents.enumerated().map { Handoff(value: ($0.offset, $0.element)) }
        let begin = MonotonicClock.now()
        runConcurrently(agents.count) { i in
            let (index, agent) = boxed[i].value
            do {
                let node = try EventNode(agent.pointerNode)
                node.drain()
                let col = column(index, of: columns)
                var mine: [Int64] = []
                for k in 0..<clicks {
                    let x = col.x + col.width / 4 + (k % 2) * col.width / 2
                    let t0 = MonotonicClock.now()
                    let id = agent.client.send(["type": "gesture", "action": "click", "x": .int(Int64(x)), "y": .int(Int64(300 + k % 7))])
                    guard let t1 = node.waitFor(timeout: .seconds(10), EventNode.isButtonPress) else {
                        throw BenchError("agent \(index): click \(k) never read back (\(try agent.client.reply(to: id).serialized))")
                    }
                    let r = try agent.client.reply(to: id)
                    guard r["ok"] == .bool(true) else { throw BenchError("agent \(index): click refused: \(r.serialized)") }
                    agent.client.discardEvents()
                    mine.append((t1 - t0).nanosecondCount)
                }
                results.withLock { $0 += mine }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        let wall = (MonotonicClock.now() - begin).nanosecondCount
        if let f = failures.withLock({ $0.first }) { throw BenchError(f) }
        return (results.withLock { $0 }, wall)
    }

    /// Types `text` with `agent` (which holds a keyboard lease on `region` and has clicked
    /// there): request sent → last key release readable on its keyboard node, and the
    /// characters that read back (non-modifier presses).
    static func type(_ text: String, agent: BenchAgent, at x: Int) throws -> (total: Int64, characters: Int, overruns: Int) {
        let node = try EventNode(agent.keyboardNode)
        _ = try agent.client.ok(["type": "gesture", "action": "click", "x": .int(Int64(x)), "y": 500])
        node.drain()
        let t0 = MonotonicClock.now()
        let id = agent.client.send(["type": "gesture", "action": "type", "text": .string(text)])
        var characters = 0, overruns = 0, lastRelease = t0
        var buf = [input_event](repeating: input_event(), count: 64)
        var replied = false
        let deadline = t0 + .seconds(60)
        while MonotonicClock.now() < deadline {
            let n = buf.withUnsafeMutableBytes { read(node.fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let now = MonotonicClock.now()
                for e in buf[0..<(n / MemoryLayout<input_event>.size)] {
                    // The kernel dropped events because this reader fell behind (its buffer
                    // holds a few dozen): what is missing was written, not lost by the daemon.
                    if e.type == UInt16(EV_SYN) && e.code == UInt16(SYN_DROPPED) { overruns += 1 }
                    guard e.type == UInt16(EV_KEY) else { continue }
                    if e.value == 1 && !EventNode.modifiers.contains(e.code) { characters += 1 }
                    if e.value == 0 { lastRelease = now }
                }
                continue
            }
            if replied { break }
            var pfds = [pollfd(fd: node.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: agent.client.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&pfds, 2, 100)
            if pfds[1].revents != 0 && pfds[0].revents == 0 {
                let r = try agent.client.reply(to: id)
                guard r["ok"] == .bool(true) else { throw BenchError("type refused: \(r.serialized)") }
                replied = true
                MonotonicClock.sleep(.milliseconds(20))
            }
        }
        agent.client.discardEvents()
        return ((lastRelease - t0).nanosecondCount, characters, overruns)
    }

    /// Connects `count` sessions, `lanes` hellos at a time. A refused hello is tried
    /// again (twice at most): with hundreds of devices udev can fall behind the daemon's
    /// settle timeout. Returns the sessions and how many hellos were refused on the way.
    static func connect(_ count: Int, socket: String, prefix: String, lanes: Int = 8) throws -> (agents: [BenchAgent], refused: Int) {
        let made = Mutex<[Int: Handoff<BenchAgent>]>([:])
        let failures = Mutex<[String]>([])
        let refused = Mutex(0)
        let lanes = max(1, min(lanes, count))
        runConcurrently(lanes) { lane in
            for i in stride(from: lane, to: count, by: lanes) {
                var attempt = 0
                while true {
                    do {
                        let a = try BenchAgent(socket: socket, name: "\(prefix)\(i)")
                        let h = Handoff(value: a)
                        made.withLock { $0[i] = h }
                        break
                    } catch {
                        attempt += 1
                        refused.withLock { $0 += 1 }
                        if attempt > 2 { failures.withLock { $0.append("\(error)") }; break }
                    }
                }
            }
        }
        if let f = failures.withLock({ $0.first }) { throw BenchError("connecting \(count) sessions: \(f)") }
        return (made.withLock { m in (0..<count).map { m[$0]!.value } }, refused.withLock { $0 })
    }
}
