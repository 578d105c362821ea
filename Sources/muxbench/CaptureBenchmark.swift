import ArgumentParser
import CX11
import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxHarness
import InputMuxImage
import InputMuxSight
import InputMuxSystem
import InputMuxX11
import struct InputMuxCore.Region

/// `muxbench capture`: what seeing costs (issue 17), on one Xvfb (1920x1080) with a busy
/// desktop, side by side in one run:
/// - a PNG of a 1280x800 lease delivered to the agent, against the peers' screenshot
///   pipelines (scrot then ImageMagick's resize, `import -window root` with a crop, `xwd`
///   into a converter);
/// - raw captures of the whole display delivered by sealed memfd, per second, against the
///   bare MIT-SHM copy of the same display (the floor);
/// - a click, then a settled capture, for an app that repaints 50 ms after the click,
///   never stale, against the 2 s fixed wait;
/// - the daemon's memory while 8 agents capture in a loop.
struct CaptureBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Screenshot cost: InputMux capture vs scrot, import, xwd; raw fd rate vs the MIT-SHM floor; settle; memory (needs Xvfb, scrot, ImageMagick, xwd, inputmuxd).")

    @Option(help: "Screenshots per path per round.")
    var samples = 20

    @Option(help: "Rounds; the paths take turns in each.")
    var rounds = 3

    @Option(help: "Seconds of raw captures (and of the floor) per round.")
    var rawSeconds = 2.0

    @Option(help: "Click-then-settled-capture trials.")
    var settleTrials = 100

    @Option(help: "Agents capturing at once for the memory figure.")
    var agents = 8

    @Option(help: "Seconds the agents capture for the memory figure.")
    var memorySeconds = 5.0

    static let width: Int32 = 1920, height: Int32 = 1080

    func run() throws {
        let xvfb: XvfbServer
        do { xvfb = try XvfbServer(width: Int(Self.width), height: Int(Self.height)) } catch { throw BenchError(error.description) }
        defer { withExtendedLifetime(xvfb) {} }
        let desktop = try BusyDesktop(display: xvfb.display, width: Self.width, height: Self.height)
        let late = try LateRepaintWindow(display: xvfb.display, x: 1400, y: 100, width: 400, height: 300, delay: .milliseconds(50))
        late.start()
        let (daemon, dir) = try X11Benchmark.parse([]).startDaemon(display: xvfb.display)
        defer {
            daemon.stop()
            late.stop()
            withExtendedLifetime(desktop) {}
            try? FileManager.default.removeItem(atPath: dir)
        }
        let socket = dir + "/agent.sock"
        let scratch = dir + "/peers"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)

        progress("1. A PNG of a 1280x800 lease")
        // 1. A PNG of a 1280x800 lease, delivered.
        let viewer = try X11BenchAgent(socket: socket, name: "viewer")
        let viewerLease = try acquire(viewer, "0,0,1280x800")
        let png = "{\"type\":\"capture\",\"id\":ID,\"format\":\"png\"}"
        _ = try capture(viewer, png)  // warm
        var mux: [Int64] = [], scrot: [Int64] = [], imp: [Int64] = [], xwd: [Int64] = []
        let peers: [(String, String)] = [
            ("scrot", "scrot -o \(scratch)/s.png && convert \(scratch)/s.png -crop 1280x800+0+0 +repage -resize 1280x800 \(scratch)/s-out.png"),
            ("import", "import -window root -crop 1280x800+0+0 +repage -resize 1280x800 \(scratch)/i.png"),
            ("xwd", "xwd -root -silent | convert xwd:- -crop 1280x800+0+0 +repage -resize 1280x800 png:\(scratch)/x.png"),
        ]
        for (_, cmd) in peers { _ = try shell(cmd, display: xvfb.display) }  // warm
        for _ in 0..<rounds {
            for _ in 0..<samples { mux.append(try timed { _ = try capture(viewer, png) }) }
            for _ in 0..<samples { scrot.append(try timed { try shell(peers[0].1, display: xvfb.display) }) }
            for _ in 0..<samples { imp.append(try timed { try shell(peers[1].1, display: xvfb.display) }) }
            for _ in 0..<samples { xwd.append(try timed { try shell(peers[2].1, display: xvfb.display) }) }
        }
        let pngBytes = try capture(viewer, png).count

        progress("2. Raw captures of the whole display by ")
        // 2. Raw captures of the whole display by fd, against the bare MIT-SHM copy.
        let whole = try X11BenchAgent(socket: socket, name: "whole")
        try release(viewer, viewerLease)
        let wholeLease = try acquire(whole, "0,0,\(Self.width)x\(Self.height)")
        let source = try X11CaptureSource(display: xvfb.display, xauthority: nil)
        let screen = CaptureTarget.screen(Region(x: 0, y: 0, width: Self.width, height: Self.height))
        var rawRates: [Double] = [], pipelinedRates: [Double] = [], floorRates: [Double] = []
        let raw = "{\"type\":\"capture\",\"id\":ID,\"format\":\"raw\",\"delivery\":\"fd\"}"
        for _ in 0..<rounds {
            rawRates.append(try rate(seconds: rawSeconds) {
                let count = try mappedCapture(whole, raw)
                guard count == Int(Self.width * Self.height * 4) else { throw BenchError("a raw capture of \(count) bytes") }
            })
            pipelinedRates.append(try pipelinedRate(whole, raw, inFlight: 2, seconds: rawSeconds))
            floorRates.append(try rate(seconds: rawSeconds) {
                do throws(CaptureError) { _ = try source.capture(screen) } catch { throw BenchError(error.description) }
            })
        }
        try release(whole, wholeLease)

        progress("3. Click")
        // 3. Click, then a settled capture, for an app that repaints 50 ms after the click.
        let actor = try X11BenchAgent(socket: socket, name: "actor")
        let actorLease = try acquire(actor, "1400,100,400x300")
        var settled: [Int64] = []
        var stale = 0, unsettled = 0
        for i in 0..<settleTrials {
            let before = late.repaints.count
            let t0 = MonotonicClock.now()
            let click = try actor.request("{\"type\":\"gesture\",\"id\":ID,\"action\":\"click\",\"x\":\(1450 + i % 200),\"y\":200}")
            guard click.contains("\"ok\":true") else { throw BenchError("click refused: \(click)") }
            let (reply, image) = try captureReply(actor, "{\"type\":\"capture\",\"id\":ID,\"format\":\"png\",\"settle\":true}")
            settled.append((MonotonicClock.now() - t0).nanosecondCount)
            if !reply.contains("\"settled\":true") { unsettled += 1 }
            let decoded = try PNGCodec.decode(image)
            let shown = UInt32(decoded.rgba[0]) << 16 | UInt32(decoded.rgba[1]) << 8 | UInt32(decoded.rgba[2])
            // The repaint this click caused has happened, and the capture shows it.
            let repaints = late.repaints
            if repaints.count <= before || shown != repaints.last!.1 { stale += 1 }
        }

        progress("Where a capture's time goes")
        // Where a capture's time goes, stage by stage, in this process (the daemon's
        // capture thread runs the same code).
        let stages = try stageTimes(source)

        progress("4. The daemon's memory while agents capt")
        // 4. The daemon's memory while agents capture in a loop.
        try release(actor, actorLease)
        let memory = try memoryUnderLoad(socket: socket, daemon: daemon.pid)

        print(report(mux: mux, scrot: scrot, imp: imp, xwd: xwd, pngBytes: pngBytes, rawRates: rawRates, pipelinedRates: pipelinedRates,
                     floorRates: floorRates, settled: settled, stale: stale, unsettled: unsettled, memory: memory))
        print(stages.render())
    }

    /// Takes a lease on `region` at once; its id.
    @discardableResult
    /// The stages of a capture, timed one by one (median of 30 each).
    func stageTimes(_ source: X11CaptureSource) throws -> BenchTable {
        let lease = Region(x: 0, y: 0, width: 1280, height: 800)
        let whole = Region(x: 0, y: 0, width: Self.width, height: Self.height)
        func median(_ body: () throws -> Void) throws -> String {
            var t: [Int64] = []
            for _ in 0..<30 { t.append(try timed(body)) }
            return Stats.fmt(Stats.median(Stats.ms(t)), digits: 2)
        }
        func grab(_ r: Region) throws -> PixelImage {
            do throws(CaptureError) { return try source.capture(.screen(r)) } catch { throw BenchError(error.description) }
        }
        let small = try grab(lease), big = try grab(whole)
        var png: RenderedImage?
        var table = BenchTable(title: "where a capture's time goes (this process, release build, median of 30)", header: ["stage", "ms"])
        table.rows.append(["MIT-SHM read of 1280x800 (into a PixelImage)", try median { _ = try grab(lease) }])
        table.rows.append(["render PNG 1280x800 (encode + SHA-256)", try median { png = try CaptureRenderer.render(pixels: small, rect: lease, box: nil, format: .png) }])
        table.rows.append(["base64 of that PNG", try median { _ = Data(png!.bytes).base64EncodedString() }])
        table.rows.append(["MIT-SHM read of 1920x1080", try median { _ = try grab(whole) }])
        var raw: RenderedImage?
        table.rows.append(["render raw 1920x1080 (RGBA conversion + SHA-256)", try median { raw = try CaptureRenderer.render(pixels: big, rect: whole, box: nil, format: .raw) }])
        table.rows.append(["SHA-256 of 8 MB alone", try median { _ = RenderedImage(bytes: raw!.bytes, format: .raw, transform: raw!.transform) }])
        table.rows.append(["sealed memfd of 8 MB", try median {
            do { try SealedMemory.make(name: "bench", bytes: raw!.bytes).close() } catch { throw BenchError("\(error)") }
        }])
        return table
    }

    func acquire(_ agent: X11BenchAgent, _ region: String) throws -> String {
        let r = try agent.request("{\"type\":\"acquire\",\"id\":ID,\"region\":\"\(region)\",\"mode\":\"try\"}")
        guard r.contains("\"state\":\"active\""), let at = r.range(of: "\"id\":\"L")?.upperBound,
              let end = r[at...].firstIndex(of: "\"") else { throw BenchError("lease on \(region) refused: \(r)") }
        return "L" + r[at..<end]
    }

    func release(_ agent: X11BenchAgent, _ lease: String) throws {
        let r = try agent.request("{\"type\":\"release\",\"id\":ID,\"lease\":\"\(lease)\"}")
        guard r.contains("\"ok\":true") else { throw BenchError("release of \(lease) refused: \(r)") }
    }

    /// The image bytes of one capture, as the client has them (base64 decoded, or read
    /// from the memfd).
    func capture(_ agent: X11BenchAgent, _ body: String) throws -> [UInt8] { try captureReply(agent, body).1 }

    /// A capture's reply (its text, without the image) and the image's bytes as the
    /// client has them: base64 decoded, or the sealed memfd mapped.
    func captureReply(_ agent: X11BenchAgent, _ body: String) throws -> (String, [UInt8]) {
        let reply = try agent.requestBytes(body)
        let data = Array("\"data\":\"".utf8)
        if let at = reply.firstRange(of: data) {
            let start = at.upperBound
            guard let end = reply[start...].firstIndex(of: UInt8(ascii: "\"")),
                  let image = Data(base64Encoded: Data(reply[start..<end])) else { throw BenchError("bad image data") }
            return (String(decoding: reply[..<at.lowerBound] + reply[end...], as: UTF8.self), [UInt8](image))
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard text.contains("\"ok\":true") else { throw BenchError("capture refused: \(text)") }
        guard text.contains("\"fd\":true"), let fd = agent.takeDescriptor() else { throw BenchError("no image in \(text)") }
        defer { try? fd.close() }
        do { return (text, try SealedMemory.read(fd)) } catch { throw BenchError(error.description) }
    }

    func progress(_ what: String) {
        FileHandle.standardError.write(Data("muxbench capture: \(what)\n".utf8))
    }

    /// Captures per second with `inFlight` requests outstanding, each reply's memfd mapped.
    func pipelinedRate(_ agent: X11BenchAgent, _ body: String, inFlight: Int, seconds: Double) throws -> Double {
        let start = MonotonicClock.now()
        var sent = 0, done = 0
        func elapsed() -> Double { Double((MonotonicClock.now() - start).nanosecondCount) / 1e9 }
        while elapsed() < seconds || done < sent {
            while sent - done < inFlight && elapsed() < seconds { agent.send(body); sent += 1 }
            for reply in agent.replies(timeout: .milliseconds(50)) {
                guard reply.contains("\"fd\":true"), let fd = agent.takeDescriptor() else { throw BenchError("no descriptor: \(reply.prefix(300))") }
                defer { try? fd.close() }
                let n = try SealedMemory.withMapping(fd) { m in m.count > 0 && m[m.count - 1] == 255 ? m.count : -1 }
                guard n == Int(Self.width * Self.height * 4) else { throw BenchError("a raw capture of \(n) bytes") }
                done += 1
            }
            guard elapsed() < seconds + 30 else { throw BenchError("captures did not all arrive") }
        }
        return Double(done) / elapsed()
    }

    /// A capture delivered by memfd, mapped by the client (no copy); its size.
    func mappedCapture(_ agent: X11BenchAgent, _ body: String) throws -> Int {
        let reply = try agent.requestBytes(body)
        guard reply.firstRange(of: Array("\"fd\":true".utf8)) != nil, let fd = agent.takeDescriptor() else {
            throw BenchError("no descriptor with \(String(decoding: reply.prefix(300), as: UTF8.self))")
        }
        defer { try? fd.close() }
        // The last byte is read: the mapping is there, the pixels readable.
        return try SealedMemory.withMapping(fd) { m in m.count > 0 && m[m.count - 1] == 255 ? m.count : -1 }
    }

    /// `command` under sh on `display`, to its end.
    @discardableResult
    func shell(_ command: String, display: String) throws -> Int32 {
        let p: ChildProcess
        do {
            p = try ChildProcess("/bin/sh", ["-c", command], environment: ["DISPLAY": display, "PATH": "/usr/bin:/bin"],
                               output: .discarded)
        } catch { throw BenchError(error.description) }
        guard let t = p.wait(timeout: .seconds(60)) else { throw BenchError("\(command) did not finish") }
        guard t.isSuccess else { throw BenchError("\(command) failed: \(t)") }
        return 0
    }

    func timed(_ body: () throws -> Void) throws -> Int64 {
        let t0 = MonotonicClock.now()
        try body()
        return (MonotonicClock.now() - t0).nanosecondCount
    }

    func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        let start = MonotonicClock.now()
        var n = 0
        while true {
            try body()
            n += 1
            let elapsed = Double((MonotonicClock.now() - start).nanosecondCount) / 1e9
            if elapsed >= seconds { return Double(n) / elapsed }
        }
    }

    /// The daemon's resident memory (largest sample, and the kernel's high-water mark)
    /// while `agents` sessions each capture their own region as PNG, back to back.
    func memoryUnderLoad(socket: String, daemon pid: pid_t) throws -> (before: Int, peak: Int, hwm: Int, captures: Int) {
        let columns = 4, rows = (agents + 3) / 4
        let w = Self.width / Int32(columns), h = Self.height / Int32(rows)
        let before = Self.status(pid, "VmRSS")
        let counts = Counter()
        let stop = Counter()
        var threads: [Thread] = []
        let failures = Counter()
        for i in 0..<agents {
            let region = "\(Int32(i % columns) * w),\(Int32(i / columns) * h),\(w)x\(h)"
            let t = Thread {
                do {
                    let a = try X11BenchAgent(socket: socket, name: "mem-\(i)")
                    try self.acquire(a, region)
                    while stop.value == 0 {
                        _ = try self.capture(a, "{\"type\":\"capture\",\"id\":ID,\"format\":\"png\"}")
                        counts.add()
                    }
                } catch { failures.add() }
            }
            threads.append(t)
            t.start()
        }
        var peak = 0
        let deadline = MonotonicClock.now() + .milliseconds(Int64(memorySeconds * 1000))
        while MonotonicClock.now() < deadline {
            peak = max(peak, Self.status(pid, "VmRSS"))
            usleep(100_000)
        }
        stop.add()
        usleep(500_000)
        guard failures.value == 0 else { throw BenchError("\(failures.value) capturing agents failed") }
        return (before, peak, Self.status(pid, "VmHWM"), counts.value)
    }

    /// A `kB` field of /proc/PID/status, in kB.
    static func status(_ pid: pid_t, _ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
        }
        return 0
    }

    func report(mux: [Int64], scrot: [Int64], imp: [Int64], xwd: [Int64], pngBytes: Int, rawRates: [Double], pipelinedRates: [Double],
                floorRates: [Double], settled: [Int64], stale: Int, unsettled: Int,
                memory: (before: Int, peak: Int, hwm: Int, captures: Int)) -> String {
        func ms(_ v: Double?) -> String { Stats.fmt(v.map { $0 / 1000 }, digits: 1) }
        let m = LatencySummary(mux)
        let peerRows = [("scrot, then convert -crop -resize (Anthropic's loop)", LatencySummary(scrot)),
                        ("import -window root -crop -resize (OpenAI's sample)", LatencySummary(imp)),
                        ("xwd -root | convert -crop -resize", LatencySummary(xwd))]
        let fastest = peerRows.map(\.1.p50).min() ?? .nan
        var a = BenchTable(title: "screenshot of a 1280x800 lease on a 1920x1080 Xvfb, PNG, delivered to the client; "
                           + "\(m.samples) per path over \(rounds) interleaved rounds",
                           header: ["path", "p50 ms", "p99 ms", "p50 vs InputMux"])
        a.rows.append(["inputmux capture (agent socket, PNG inline, \(pngBytes / 1024) KiB)", ms(m.p50), ms(m.p99), "1.0x"])
        for (name, s) in peerRows { a.rows.append([name, ms(s.p50), ms(s.p99), Stats.fmt(s.p50 / m.p50, digits: 1) + "x"]) }
        a.notes.append("goal p50 ≤ 1/10 of the fastest peer: \(m.p50 * 10 <= fastest ? "met" : "NOT met") (\(Stats.fmt(fastest / m.p50, digits: 1))x)")

        let one = Stats.median(rawRates), floor = Stats.median(floorRates), two = Stats.median(pipelinedRates)
        let raw = max(one ?? 0, two ?? 0)
        var b = BenchTable(title: "raw captures of the whole 1920x1080 display, \(rounds) rounds of \(rawSeconds) s",
                           header: ["path", "captures/s (median)", "per round"])
        b.rows.append(["inputmux capture, raw RGBA by sealed memfd, mapped by the client, 1 in flight", Stats.fmt(one, digits: 1),
                       rawRates.map { Stats.fmt($0, digits: 0) }.joined(separator: " ")])
        b.rows.append(["the same, 2 in flight", Stats.fmt(two, digits: 1),
                       pipelinedRates.map { Stats.fmt($0, digits: 0) }.joined(separator: " ")])
        b.rows.append(["floor: MIT-SHM copy of the display in-process (XShmGetImage)", Stats.fmt(floor, digits: 1),
                       floorRates.map { Stats.fmt($0, digits: 0) }.joined(separator: " ")])
        let within = Stats.ratio(floor, raw)
        b.notes.append("goal ≥100/s: \(raw >= 100 ? "met" : "NOT met"); within 3x of the floor: "
                       + "\((within ?? 99) <= 3 ? "met" : "NOT met") (floor/inputmux \(Stats.fmt(within, digits: 2))x)")

        let s = LatencySummary(settled)
        var c = BenchTable(title: "click, then a settled capture (PNG), for an app that repaints 50 ms after the click; \(settled.count) trials",
                           header: ["path", "p50 ms", "p99 ms", "stale images", "unsettled"])
        c.rows.append(["inputmux click + capture settle (quiet 100 ms, max 2 s)", ms(s.p50), ms(s.p99), "\(stale)", "\(unsettled)"])
        c.rows.append(["fixed wait in Anthropic's loop", "2000.0", "2000.0", "-", "-"])
        c.notes.append("goal p50 ≤ 400 ms (1/5 of 2 s) and no stale image: \(s.p50 / 1000 <= 400 && stale == 0 ? "met" : "NOT met")")

        var d = BenchTable(title: "inputmuxd memory while \(agents) agents capture their regions (PNG) back to back for \(memorySeconds) s",
                           header: ["measure", "MiB"])
        d.rows.append(["RSS before", Stats.fmt(Double(memory.before) / 1024, digits: 1)])
        d.rows.append(["RSS, largest sample during", Stats.fmt(Double(memory.peak) / 1024, digits: 1)])
        d.rows.append(["VmHWM (the kernel's high-water mark)", Stats.fmt(Double(memory.hwm) / 1024, digits: 1)])
        d.notes.append("\(memory.captures) captures made; goal under 64 MiB: \(memory.hwm < 64 * 1024 ? "met" : "NOT met")")
        return [a, b, c, d].map { $0.render() }.joined(separator: "\n")
    }
}

/// A thread-safe counter for the memory load's agents.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// A desktop that looks like one: a full-screen window of panels, bars and text, so
/// encoders see a screenshot's content rather than one flat colour.
final class BusyDesktop {
    private let display: OpaquePointer

    init(display name: String, width: Int32, height: Int32) throws {
        guard let d = XOpenDisplay(name) else { throw BenchError("cannot open X display \(name)") }
        display = d
        let root = XDefaultRootWindow(d)
        let w = XCreateSimpleWindow(d, root, 0, 0, UInt32(width), UInt32(height), 0, 0, 0xF4F4F4)
        var attributes = XSetWindowAttributes()
        attributes.override_redirect = 1
        attributes.backing_store = Always
        XChangeWindowAttributes(d, w, UInt(CWOverrideRedirect | CWBackingStore), &attributes)
        XMapWindow(d, w)
        XSync(d, 0)
        let gc = XCreateGC(d, w, 0, nil)
        var seed: UInt32 = 12345
        func next() -> UInt32 { seed = seed &* 1_103_515_245 &+ 12345; return seed >> 8 }
        // Panels, then lines of "text" in each.
        for _ in 0..<60 {
            XSetForeground(d, gc, UInt(next() & 0xFFFFFF | 0x404040))
            XFillRectangle(d, w, gc, Int32(next() % UInt32(width)), Int32(next() % UInt32(height)), 60 + next() % 400, 20 + next() % 200)
        }
        XSetForeground(d, gc, 0x202020)
        for row in stride(from: 20, to: height, by: 18) {
            let text = (0..<40).map { _ in String(UnicodeScalar(UInt8(33 + next() % 90))) }.joined()
            XDrawString(d, w, gc, Int32(next() % 200), row, text, Int32(text.utf8.count))
        }
        XFreeGC(d, gc)
        XSync(d, 0)
    }

    deinit { XCloseDisplay(display) }
}
