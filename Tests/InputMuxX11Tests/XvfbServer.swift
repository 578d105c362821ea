import Foundation
import Testing

/// A test failure with a sentence.
struct X11TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A private Xvfb display for one test, on a free display number (`-displayfd`).
/// Missing Xvfb is a failure, never a skip: `make deps` (scripts/deps.sh) installs it.
final class XvfbServer {
    let server: Child
    let display: String

    init(width: Int = 1280, height: Int = 800) throws {
        server = try Child("/usr/bin/Xvfb", ["-displayfd", "1", "-screen", "0", "\(width)x\(height)x24", "-nolisten", "tcp"])
        var reader = LineReader(fd: server.stdout)
        let first = reader.read(timeout: 15).first ?? ""
        guard let n = Int(first.trimmingCharacters(in: .whitespaces)) else {
            throw X11TestFailure("Xvfb did not report its display number (got \"\(first)\")")
        }
        display = ":\(n)"
    }

    /// Runs a command with DISPLAY set to this server; its exit code.
    @discardableResult
    func run(_ path: String, _ args: [String], timeout: Double = 20) throws -> Int32 {
        let c = try Child(path, args, environment: ["DISPLAY": display])
        return c.wait(timeout: timeout)
    }
}

/// The recording X client (Fixtures/xclient.py under Debian's /usr/bin/python3, which
/// has python3-xlib): its windows, and every press, key and motion they received.
final class RecordingClient {
    let child: Child
    private var reader: LineReader
    private(set) var events: [[String: Any]] = []
    private(set) var windows: [String: (id: UInt64, x: Int, y: Int, w: Int, h: Int)] = [:]
    private var nextCommand = 1

    /// `specs`: "NAME:X,Y,WxH".
    init(display: String, _ specs: [String]) throws {
        guard let script = Bundle.module.path(forResource: "xclient", ofType: "py", inDirectory: "Fixtures") else {
            throw X11TestFailure("Fixtures/xclient.py is not in the test bundle")
        }
        child = try Child("/usr/bin/python3", [script] + specs, environment: ["DISPLAY": display], stderrToNull: false)
        reader = LineReader(fd: child.stdout)
        guard let ready = try waitFor(timeout: 15, { $0["ready"] != nil })?["ready"] as? [String: [String: Any]] else {
            throw X11TestFailure("the X client did not map its windows (is python3-xlib installed? run scripts/deps.sh)")
        }
        for (name, w) in ready {
            windows[name] = ((w["id"] as! NSNumber).uint64Value, w["x"] as! Int, w["y"] as! Int, w["w"] as! Int, w["h"] as! Int)
        }
    }

    /// Reads everything that arrives within `timeout` seconds.
    func pump(timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            for line in reader.read(timeout: max(0.01, deadline.timeIntervalSinceNow)) {
                if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(o) }
            }
        } while Date() < deadline
    }

    /// Waits until a record matches; returns it.
    func waitFor(timeout: Double, _ match: ([String: Any]) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = 0
        while true {
            while seen < events.count { if match(events[seen]) { return events[seen] }; seen += 1 }
            if Date() >= deadline { return nil }
            for line in reader.read(timeout: 0.05) {
                if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(o) }
            }
        }
    }

    /// Sends a command ("move NAME X Y", "close NAME", "focus NAME", "pointerroot") and
    /// waits until the client applied it.
    func command(_ c: String) throws {
        let n = nextCommand
        nextCommand += 1
        child.write("\(n) \(c)\n")
        guard try waitFor(timeout: 10, { ($0["ack"] as? Int) == n }) != nil else {
            throw X11TestFailure("the X client did not apply \"\(c)\"")
        }
    }

    /// Records of kind `ev` ("press", "release", "key", "motion") in window `win`.
    func received(_ ev: String, in win: String) -> [[String: Any]] {
        events.filter { $0["ev"] as? String == ev && $0["win"] as? String == win }
    }
}
