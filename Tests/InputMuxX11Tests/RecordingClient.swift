import Foundation
import InputMuxHarness
import Testing

/// A test failure with a sentence.
struct X11TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The recording X client (Fixtures/xclient.py under Debian's /usr/bin/python3, which
/// has python3-xlib): its windows, and every press, key and motion they received.
final class RecordingClient {
    let child: ChildProcess
    private(set) var events: [[String: Any]] = []
    private(set) var windows: [String: (id: UInt64, x: Int, y: Int, w: Int, h: Int)] = [:]
    private var nextCommand = 1

    /// `specs`: "NAME:X,Y,WxH".
    init(display: String, _ specs: [String]) throws {
        guard let script = Bundle.module.path(forResource: "xclient", ofType: "py", inDirectory: "Fixtures") else {
            throw X11TestFailure("Fixtures/xclient.py is not in the test bundle")
        }
        child = try ChildProcess("/usr/bin/python3", [script] + specs, environment: ["DISPLAY": display], input: .pipe, error: .inherited)
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
            for line in child.readLines(timeout: .milliseconds(Int64(max(10, deadline.timeIntervalSinceNow * 1000)))) {
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
            for line in child.readLines(timeout: .milliseconds(50)) {
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
