import Foundation

/// The recording X client (`Tests/InputMuxX11Tests/Fixtures/xclient.py` under Debian's
/// /usr/bin/python3, which has python3-xlib): its top-level windows, and every press,
/// key (with the character it types, as the typing seat's modifiers make it) and motion
/// they received, as the client printed them. The X11 tests and `muxbench` read it here.
/// Read by one thread at a time.
public final class RecordingClient {
    public struct Window: Sendable, Hashable {
        public let id: UInt64
        public let x: Int, y: Int, w: Int, h: Int
    }

    public let child: ChildProcess
    /// Every record read so far, in the order the client printed them.
    public private(set) var events: [[String: Any]] = []
    public private(set) var windows: [String: Window] = [:]
    private var nextCommand = 1

    /// Starts `script` on `display` with windows `specs` ("NAME:X,Y,WxH", see the script)
    /// and waits until all are mapped.
    public init(script: String, display: String, _ specs: [String]) throws(HarnessError) {
        child = try ChildProcess("/usr/bin/python3", [script] + specs, environment: ["DISPLAY": display], input: .pipe, error: .inherited)
        guard let ready = waitFor(timeout: 15, { $0["ready"] != nil })?["ready"] as? [String: [String: Any]] else {
            child.stop()
            throw HarnessError("the X client did not map its windows (is python3-xlib installed? run scripts/deps.sh)")
        }
        for (name, w) in ready {
            guard let id = (w["id"] as? NSNumber)?.uint64Value, let x = w["x"] as? Int, let y = w["y"] as? Int,
                  let width = w["w"] as? Int, let height = w["h"] as? Int else {
                child.stop()
                throw HarnessError("the X client reported window \(name) as \(w)")
            }
            windows[name] = Window(id: id, x: x, y: y, w: width, h: height)
        }
    }

    deinit { child.stop() }

    /// Reads everything that arrives within `timeout` seconds.
    public func pump(timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            read(within: .milliseconds(Int64(max(10, deadline.timeIntervalSinceNow * 1000))))
        } while Date() < deadline
    }

    /// Waits until a record matches; returns it, or nil after `timeout` seconds.
    public func waitFor(timeout: Double, _ match: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = 0
        while true {
            while seen < events.count { if match(events[seen]) { return events[seen] }; seen += 1 }
            if Date() >= deadline { return nil }
            read(within: .milliseconds(50))
        }
    }

    private func read(within timeout: Duration) {
        for line in child.readLines(timeout: timeout) {
            if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(o) }
        }
    }

    /// Sends a command ("move NAME X Y", "close NAME", "focus NAME", "pointerroot", …) and
    /// waits until the client applied it.
    public func command(_ c: String) throws(HarnessError) {
        let n = nextCommand
        nextCommand += 1
        guard child.write("\(n) \(c)\n") else { throw HarnessError("the X client has exited") }
        guard waitFor(timeout: 10, { ($0["ack"] as? Int) == n }) != nil else {
            throw HarnessError("the X client did not apply \"\(c)\"")
        }
    }

    /// Returns once the client has printed every event the X server delivered to it
    /// before this call: a `sync` makes it read them all, and a second one's
    /// acknowledgement comes after it printed what the first one read.
    public func settle() throws(HarnessError) {
        try command("sync")
        try command("sync")
    }

    /// Records of kind `ev` ("press", "release", "key", "motion") in window `win`.
    public func received(_ ev: String, in win: String) -> [[String: Any]] {
        events.filter { $0["ev"] as? String == ev && $0["win"] as? String == win }
    }

    /// The characters window `win` received as key presses, from record `since` on.
    public func typed(in win: String, since: Int = 0) -> String {
        events[since...].filter { $0["ev"] as? String == "key" && $0["win"] as? String == win }.map { $0["char"] as? String ?? "" }.joined()
    }
}
