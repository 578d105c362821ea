import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxDaemon
import InputMuxLinux

/// Many sessions on one daemon: its memory with `memorySessions` connected, and the
/// latency of a lease grant (acquire sent → reply "active") with `sessions` connected.
struct SessionScale {
    var sessions: Int
    var memorySessions: Int
    var rssIdleKB: Int?
    var rssAtMemorySessionsKB: Int?
    var rssAtAllSessionsKB: Int?
    var grantLatencies: [Int64] = []
    /// Heartbeats timed between the grants: a request with no lease to grant, i.e. the
    /// round trip through the guest and the daemon's loop that every request pays.
    var heartbeatLatencies: [Int64] = []
    /// Hellos refused on the way (devices not settled in time) and tried again.
    var refusedHellos = 0
    /// Sessions connected while the grants were timed, and why not all of them.
    var connected = 0
    var connectError: String?
    /// `inputNodeCounts()` once every session that could connect has.
    var nodeCountsAtAllSessions: String?
    /// How long the guest took to go quiet after the last session connected (udev settled,
    /// PID 1 done with the new devices' units), before the grants were timed.
    var quietAfter: Duration?

    static let memoryGoalKB = 40 * 1024
    static let grantGoalP99Ms = 2.0

    /// Cell `i` of a 16 x 16 grid over the desktop.
    static func cell(_ i: Int) -> String { "\((i % 16) * 120),\((i / 16 % 16) * 67),120x67" }

    static func run(sessions: Int, memorySessions: Int, grants: Int) throws -> SessionScale {
        var r = SessionScale(sessions: sessions, memorySessions: memorySessions)
        let daemon = try BenchDaemon(pacing: false)
        MonotonicClock.sleep(.milliseconds(500))
        r.rssIdleKB = daemon.residentKilobytes()
        let first = try AgentInjection.connect(memorySessions, socket: daemon.agentSocket, prefix: "scale", lanes: 4)
        var agents = first.agents
        r.refusedHellos += first.refused
        // Every session does something once, so its state is all there.
        for (i, a) in agents.enumerated() {
            let lease = try a.lease(cell(i))
            let x = (i % 16) * 120 + 60, y = (i / 16 % 16) * 67 + 30
            _ = try a.client.ok(["type": "gesture", "action": "click", "x": .int(Int64(x)), "y": .int(Int64(y))])
            _ = try a.client.ok(["type": "release", "lease": lease])
            a.client.discardEvents()
        }
        MonotonicClock.sleep(.milliseconds(300))
        r.rssAtMemorySessionsKB = daemon.residentKilobytes()
        note("\(memorySessions) sessions: VmRSS \(r.rssAtMemorySessionsKB.map(String.init) ?? "?") kB")
        guard grants > 0 else { return r }
        // The rest in small batches, one hello at a time: udev in the TCG guest falls
        // behind with hundreds of devices. If it still cannot keep up, the grants are timed
        // with the sessions that did connect, and the table says so.
        while agents.count < sessions {
            let batch = min(16, sessions - agents.count)
            do {
                let more = try AgentInjection.connect(batch, socket: daemon.agentSocket, prefix: "more\(agents.count)-", lanes: 1)
                agents += more.agents
                r.refusedHellos += more.refused
            } catch {
                r.connectError = "\(error); input nodes then: \(Self.inputNodeCounts())"
                break
            }
        }
        r.connected = agents.count
        r.nodeCountsAtAllSessions = Self.inputNodeCounts()
        r.rssAtAllSessionsKB = daemon.residentKilobytes()
        r.quietAfter = Self.waitForQuiet()
        note("\(agents.count) sessions connected; timing \(grants) lease grants")
        for k in 0..<grants {
            let i = (k * 37) % agents.count
            let a = agents[i]
            let t0 = MonotonicClock.now()
            let reply = try a.client.request(["type": "acquire", "region": .string(cell(i)), "mode": "try"])
            let t1 = MonotonicClock.now()
            guard reply["ok"] == .bool(true), reply["result"]["state"] == "active" else {
                throw BenchError("lease grant \(k) not active: \(reply.serialized)")
            }
            r.grantLatencies.append((t1 - t0).nanosecondCount)
            _ = try a.client.ok(["type": "release", "lease": reply["result"]["lease"]["id"]])
            a.client.discardEvents()
            let b = agents[(i + agents.count / 2) % agents.count]
            let h0 = MonotonicClock.now()
            _ = try b.client.ok(["type": "heartbeat"])
            r.heartbeatLatencies.append((MonotonicClock.now() - h0).nanosecondCount)
            b.client.discardEvents()
        }
        daemon.stop()
        return r
    }

    /// Waits until the guest has finished with the devices the sessions made: udev's queue
    /// is empty and PID 1 (systemd, which follows every new input device with a device
    /// unit) has used no CPU for half a second; at most 30 s. The grants are timed with
    /// the sessions connected, not while the system still digests hundreds of new devices.
    static func waitForQuiet() -> Duration {
        let began = MonotonicClock.now()
        _ = try? ChildProcess.run("/usr/bin/udevadm", ["settle", "--timeout=30"], timeout: .seconds(40))
        var last = pid1CPUTicks()
        var quietSince = MonotonicClock.now()
        while MonotonicClock.now() - began < .seconds(30) {
            MonotonicClock.sleep(.milliseconds(100))
            let now = pid1CPUTicks()
            if now != last { last = now; quietSince = MonotonicClock.now() }
            if MonotonicClock.now() - quietSince >= .milliseconds(500) { break }
        }
        return MonotonicClock.now() - began
    }

    /// PID 1's user + system CPU time, in clock ticks.
    static func pid1CPUTicks() -> Int { ProcessStat.cpuTicks(of: 1) ?? 0 }

    /// joydev, the legacy joystick interface: a stock kernel loads it (an agent pointer's
    /// ABS_X is in its module aliases), but it leaves agent pointers alone (they declare
    /// BTN_TOUCH, which puts them on joydev's blacklist), so a session costs 3 minors either way.
    static var joydevLoaded: Bool { access("/sys/module/joydev", F_OK) == 0 }

    /// How many event, mouse and js nodes /dev/input holds (the kernel's input minors
    /// are 1024 in all, shared by evdev, mousedev and joydev).
    static func inputNodeCounts() -> String {
        var counts: [String: Int] = [:]
        if let d = opendir("/dev/input") {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                for kind in ["event", "mouse", "js"] where name.hasPrefix(kind) { counts[kind, default: 0] += 1 }
            }
            closedir(d)
        }
        return ["event", "mouse", "js"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
    }

    var grantP50: Double? { Stats.quantile(Stats.ms(grantLatencies), 0.5) }
    var grantP99: Double? { Stats.quantile(Stats.ms(grantLatencies), 0.99) }
    var grantGoal: Bool? { grantP99.map { $0 < Self.grantGoalP99Ms && connected >= sessions } }
    var memoryGoal: Bool? { rssAtMemorySessionsKB.map { $0 < Self.memoryGoalKB } }

    func leaseTable() -> String {
        var t = BenchTable(title: "lease grants with \(sessions) sessions connected (acquire sent → reply \"active\"; each grant released before the next)",
                           header: ["sessions", "grants", "p50 ms", "p99 ms", "goal", "verdict"])
        t.rows.append(["\(connected)", "\(grantLatencies.count)", Stats.fmt(grantP50, digits: 3), Stats.fmt(grantP99, digits: 3),
                       "p99 < \(Stats.fmt(Self.grantGoalP99Ms, digits: 0)) ms", Stats.verdict(grantGoal)])
        if !heartbeatLatencies.isEmpty {
            t.rows.append(["\(connected), heartbeat", "\(heartbeatLatencies.count)", Stats.fmt(Stats.quantile(Stats.ms(heartbeatLatencies), 0.5), digits: 3),
                           Stats.fmt(Stats.quantile(Stats.ms(heartbeatLatencies), 0.99), digits: 3), "-", "floor"])
            t.notes.append("heartbeat: one between each grant and the next, from another session; a request with no lease to grant, so its latency is the round trip through the guest and the daemon's loop that every request pays.")
        }
        if let q = quietAfter {
            t.notes.append("timed once the guest had gone quiet after the last session connected (udev settled, PID 1 idle for 0.5 s): \(Stats.fmt(Double(q.nanosecondCount) / 1e9, digits: 1)) s after it.")
        }
        t.notes.append("joydev is \(Self.joydevLoaded ? "loaded" : "not loaded"); each session takes 3 of the kernel's 1024 input minors either way "
            + "(its pointer gets an event and a mouse node, no js node: it declares BTN_TOUCH, which keeps joydev off; its keyboard an event node). "
            + "Input nodes with all sessions connected: \(nodeCountsAtAllSessions ?? "?").")
        if let e = connectError {
            t.notes.append("only \(connected) of \(sessions) sessions connected: \(e)")
        }
        if refusedHellos > 0 {
            t.notes.append("\(refusedHellos) hello(s) were refused while connecting (the devices did not settle in udev within the daemon's 5 s) and tried again.")
        }
        return t.render()
    }

    func leaseJSON() -> JSONValue {
        ["sessions": .int(Int64(sessions)), "connected": .int(Int64(connected)),
         "connect_error": connectError.map { .string($0) } ?? .null, "joydev_loaded": .bool(Self.joydevLoaded),
         "input_nodes": nodeCountsAtAllSessions.map { .string($0) } ?? .null, "grants": .int(Int64(grantLatencies.count)), "p50_ms": Stats.json(grantP50),
         "p99_ms": Stats.json(grantP99),
         "heartbeat_p50_ms": Stats.json(Stats.quantile(Stats.ms(heartbeatLatencies), 0.5)),
         "heartbeat_p99_ms": Stats.json(Stats.quantile(Stats.ms(heartbeatLatencies), 0.99)), "refused_hellos_retried": .int(Int64(refusedHellos)),
         "quiet_after_s": quietAfter.map { Stats.json(Double($0.nanosecondCount) / 1e9) } ?? .null, "goal_p99_ms": Stats.json(Self.grantGoalP99Ms), "goal_met": Stats.json(grantGoal)]
    }

    func memoryTable() -> String {
        func mb(_ kb: Int?) -> String { Stats.fmt(kb.map { Double($0) / 1024 }, digits: 1) }
        var t = BenchTable(title: "inputmuxd memory (VmRSS from /proc/PID/status; each session leased, clicked and released once)",
                           header: ["sessions", "VmRSS MB", "vs idle", "goal", "verdict"])
        t.rows.append(["0", mb(rssIdleKB), "1.0x", "-", "info"])
        t.rows.append(["\(memorySessions)", mb(rssAtMemorySessionsKB),
                       Stats.fmt(Stats.ratio(rssAtMemorySessionsKB.map(Double.init), rssIdleKB.map(Double.init))) + "x",
                       "< 40 MB", Stats.verdict(memoryGoal)])
        if let all = rssAtAllSessionsKB, connected > memorySessions {
            t.rows.append(["\(connected)", mb(all), Stats.fmt(Stats.ratio(Double(all), rssIdleKB.map(Double.init))) + "x", "-", "info"])
        }
        return t.render()
    }

    func memoryJSON() -> JSONValue {
        ["idle_rss_kb": rssIdleKB.map { .int(Int64($0)) } ?? .null,
         "sessions": .int(Int64(memorySessions)),
         "rss_kb": rssAtMemorySessionsKB.map { .int(Int64($0)) } ?? .null,
         "rss_kb_at_\(connected)_sessions": rssAtAllSessionsKB.map { .int(Int64($0)) } ?? .null,
         "goal_kb": .int(Int64(Self.memoryGoalKB)), "goal_met": Stats.json(memoryGoal)]
    }
}
