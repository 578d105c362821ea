import ArgumentParser
import Foundation
import InputMuxHarness
import Glibc
import InputMuxCore
import InputMuxLinux

/// `muxbench x11`: clicks on one Xvfb display, side by side in one run: InputMux's XTest
/// output (an agent on the socket → inputmuxd → XTest) against `xdotool mousemove X Y
/// click 1` run as one process per click, the way computer-use reference
/// implementations call it. Both end at the same X client window, which notes when each
/// ButtonPress reaches it.
struct X11Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "x11",
        abstract: "Clicks/s and per-click latency on Xvfb: InputMux XTest mode vs xdotool (needs Xvfb, xdotool, inputmuxd).")

    @Option(help: "Clicks per InputMux throughput round.")
    var clicks = 1000

    @Option(help: "xdotool processes per throughput round.")
    var xdotoolClicks = 100

    @Option(help: "Latency samples per path per round.")
    var samples = 60

    @Option(help: "Rounds; the paths take turns in each.")
    var rounds = 3

    @Option(help: "InputMux requests kept in flight while measuring throughput.")
    var window = 16

    func run() throws {
        let xvfb: XvfbServer
        do { xvfb = try XvfbServer(width: 1280, height: 800) } catch { throw BenchError(error.description) }
        let display = xvfb.display
        // Torn down in order: the daemon and the probe leave the X server before it stops
        // (Xlib ends a process whose server vanishes under an open connection).
        defer { withExtendedLifetime(xvfb) {} }
        var probe: X11ClickProbe? = try X11ClickProbe(display: display)
        let (daemon, dir) = try startDaemon(display: display)
        defer {
            daemon.stop()
            probe = nil
            try? FileManager.default.removeItem(atPath: dir)
        }
        try measure(display: display, probe: probe!, dir: dir)
    }

    func measure(display: String, probe: X11ClickProbe, dir: String) throws {
        let agent = try X11BenchAgent(socket: dir + "/agent.sock", name: "bench")
        let lease = try agent.request("{\"type\":\"acquire\",\"id\":ID,\"window\":\(probe.window)}")
        guard lease.contains("\"state\":\"active\"") else { throw BenchError("window lease refused: \(lease)") }

        // Warm-up: both paths once, so nothing is measured cold.
        _ = try inputmuxThroughput(agent, probe, count: 50)
        _ = try xdotoolThroughput(display, probe, count: 5)

        var muxRates: [Double] = [], xdoRates: [Double] = []
        var muxLatency: [Int64] = [], xdoLatency: [Int64] = []
        for _ in 0..<rounds {
            muxRates.append(try inputmuxThroughput(agent, probe, count: clicks))
            xdoRates.append(try xdotoolThroughput(display, probe, count: xdotoolClicks))
            muxLatency += try inputmuxLatency(agent, probe, count: samples)
            xdoLatency += try xdotoolLatency(display, probe, count: samples)
        }
        print(report(muxRates: muxRates, xdoRates: xdoRates, muxLatency: muxLatency, xdoLatency: xdoLatency))
    }

    /// inputmuxd in XTest mode on `display`, unpaced (`[pacing] enabled = false`, what the
    /// configuration suggests for XTest sandboxes) unless `pacing`, each session on a seat
    /// of its own unless `seats` is false (`[x11] seats`), with sockets in a temporary
    /// directory.
    func startDaemon(display: String, pacing: Bool = false, seats: Bool = true) throws -> (ChildProcess, String) {
        let dir: String
        do { dir = try HarnessFiles.temporaryDirectory("inputmux-x11bench") } catch { throw BenchError(error.description) }
        let config = """
            [sockets]
            agent = "\(dir)/agent.sock"
            control = "\(dir)/control.sock"
            agent_group = ""
            control_group = ""
            [audit]
            path = "\(dir)/audit.jsonl"
            key_path = "\(dir)/audit.key"
            max_bytes = 1099511627776
            [output]
            mode = "xtest"
            [x11]
            enabled = true
            display = "\(display)"
            seats = \(seats)
            [pacing]
            enabled = \(pacing)
            [limits]
            rate_per_second = 1000000
            burst = 1000000
            max_in_flight = 64
            [[policy]]
            uid = \(getuid())
            max_sessions = 64
            """
        try config.write(toFile: dir + "/inputmux.toml", atomically: true, encoding: .utf8)
        do {
            let d = try DaemonProcess.start([HarnessFiles.beside("inputmuxd"), "--config", dir + "/inputmux.toml", "--log-level", "error"],
                                            readiness: .socketExists(dir + "/agent.sock"))
            return (d, dir)
        } catch {
            throw BenchError("\(error) (build it: swift build -c release --product inputmuxd)")
        }
    }

    /// A point inside the probe window, different from the last, so every click moves.
    static func point(_ i: Int) -> (Int, Int) { (20 + (i % 30) * 11, 20 + (i / 30 % 30) * 11) }

    /// Clicks per second with `window` requests in flight, until the window saw them all.
    func inputmuxThroughput(_ agent: X11BenchAgent, _ probe: X11ClickProbe, count: Int) throws -> Double {
        let start = MonotonicClock.now()
        let before = probe.presses
        var sent = 0, answered = 0
        var last = start
        while answered < count || probe.presses - before < count {
            while sent < count && sent - answered < window {
                let (x, y) = Self.point(sent)
                agent.send("{\"type\":\"gesture\",\"id\":ID,\"action\":\"click\",\"x\":\(x),\"y\":\(y)}")
                sent += 1
            }
            for r in agent.replies(timeout: .milliseconds(1)) {
                guard r.contains("\"ok\":true") else { throw BenchError("click refused: \(r)") }
                answered += 1
            }
            if let t = probe.drain() { last = t }
            guard MonotonicClock.now() - start < .seconds(120) else { throw BenchError("InputMux clicks did not all arrive") }
        }
        return Double(count) / Self.seconds(last - start)
    }

    /// One click at a time: request sent → ButtonPress in the window.
    func inputmuxLatency(_ agent: X11BenchAgent, _ probe: X11ClickProbe, count: Int) throws -> [Int64] {
        var out: [Int64] = []
        for i in 0..<count {
            let (x, y) = Self.point(i + 7)
            let t0 = MonotonicClock.now()
            agent.send("{\"type\":\"gesture\",\"id\":ID,\"action\":\"click\",\"x\":\(x),\"y\":\(y)}")
            guard let t1 = probe.nextPress(timeout: .seconds(10)) else { throw BenchError("an InputMux click never arrived") }
            out.append((t1 - t0).nanosecondCount)
            var got = false
            while !got { got = !agent.replies(timeout: .seconds(5)).isEmpty }
        }
        return out
    }

    /// `xdotool mousemove X Y click 1`, one process per click, back to back.
    func xdotoolThroughput(_ display: String, _ probe: X11ClickProbe, count: Int) throws -> Double {
        let start = MonotonicClock.now()
        let before = probe.presses
        var last = start
        for i in 0..<count {
            let (x, y) = Self.point(i)
            let p = try xdotool(display, x, y)
            p.wait(timeout: .seconds(60))
            if let t = probe.drain() { last = t }
        }
        while probe.presses - before < count {
            guard let t = probe.nextPress(timeout: .seconds(10)) else { throw BenchError("xdotool clicks did not all arrive") }
            last = t
        }
        return Double(count) / Self.seconds(last - start)
    }

    /// Process started → ButtonPress in the window.
    func xdotoolLatency(_ display: String, _ probe: X11ClickProbe, count: Int) throws -> [Int64] {
        var out: [Int64] = []
        for i in 0..<count {
            let (x, y) = Self.point(i + 7)
            let t0 = MonotonicClock.now()
            let p = try xdotool(display, x, y)
            guard let t1 = probe.nextPress(timeout: .seconds(10)) else { throw BenchError("an xdotool click never arrived") }
            out.append((t1 - t0).nanosecondCount)
            p.wait(timeout: .seconds(60))
        }
        return out
    }

    /// `xdotool mousemove X Y click 1` on `display`, started.
    func xdotool(_ display: String, _ x: Int, _ y: Int) throws -> ChildProcess {
        do {
            return try ChildProcess("/usr/bin/xdotool", ["mousemove", "\(x)", "\(y)", "click", "1"], environment: ["DISPLAY": display], output: .discarded)
        } catch {
            throw BenchError(error.description)
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.nanosecondCount) / 1e9 }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func report(muxRates: [Double], xdoRates: [Double], muxLatency: [Int64], xdoLatency: [Int64]) -> String {
        let mux = LatencySummary(muxLatency), xdo = LatencySummary(xdoLatency)
        let muxRate = Self.median(muxRates), xdoRate = Self.median(xdoRates)
        func f(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
        let rows: [[String]] = [
            ["path", "clicks/s (median)", "per round", "latency p50 ms", "latency p99 ms", "throughput ratio"],
            ["inputmux xtest (socket → daemon → XTest)", f(muxRate), muxRates.map { f($0, 0) }.joined(separator: " "),
             f(mux.p50 / 1000, 2), f(mux.p99 / 1000, 2), f(muxRate / xdoRate) + "x"],
            ["xdotool mousemove X Y click 1 (a process per click)", f(xdoRate), xdoRates.map { f($0, 0) }.joined(separator: " "),
             f(xdo.p50 / 1000, 2), f(xdo.p99 / 1000, 2), "1.0x"],
        ]
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        var out = "x11 clicks on one Xvfb (1280x800), \(rounds) interleaved rounds: \(clicks) InputMux clicks (\(window) in flight) "
            + "and \(xdotoolClicks) xdotool processes per round; latency over \(muxLatency.count) clicks per path, one at a time, "
            + "until the ButtonPress reaches the X client window; InputMux unpaced ([pacing] enabled = false), with its audit log on\n"
        for (i, row) in rows.enumerated() {
            out += row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let ratio = muxRate / xdoRate
        out += "goal ≥10x xdotool's throughput: \(ratio >= 10 ? "met" : "NOT met") (\(f(ratio))x); "
            + "latency p50 \(f(xdo.p50 / mux.p50))x lower\n"
        return out
    }
}
