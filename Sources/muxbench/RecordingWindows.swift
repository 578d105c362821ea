import Foundation
import InputMuxCore
import InputMuxDaemon
import InputMuxHarness
import InputMuxLinux

/// The recording X client of the X11 tests (`Tests/InputMuxX11Tests/Fixtures/xclient.py`,
/// Debian's python3 with python3-xlib): top-level windows that record every key press
/// (with the character it types, as the keymap and the typing seat's modifiers make it),
/// button and motion they receive. Read by one thread at a time.
final class RecordingWindows {
    struct Window: Sendable { let id: Int64, x: Int, y: Int, width: Int, height: Int }

    private let child: ChildProcess
    private(set) var windows: [String: Window] = [:]
    /// Every record read so far, in the order the client printed them.
    private(set) var records: [JSONValue] = []
    private var nextCommand = 1

    /// The client's script: `path` when given, else the fixture in the source tree this
    /// benchmark runs from (`make bench` runs at the top of the checkout) or was built from.
    static func script(_ path: String?) throws -> String {
        let relative = "Tests/InputMuxX11Tests/Fixtures/xclient.py"
        let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(relative).path
        let candidates = path.map { [$0] } ?? [FileManager.default.currentDirectoryPath + "/" + relative, built]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw BenchError("the recording X client is not at \(candidates.joined(separator: " or ")); run from the checkout or pass --xclient PATH")
        }
        return found
    }

    /// Starts the client on `display` with windows `specs` ("NAME:X,Y,WxH") and waits
    /// until all are mapped.
    init(display: String, script: String, _ specs: [String]) throws {
        do {
            child = try ChildProcess("/usr/bin/python3", [script] + specs, environment: ["DISPLAY": display], input: .pipe, error: .inherited)
        } catch { throw BenchError(error.description) }
        let deadline = MonotonicClock.now() + .seconds(15)
        while MonotonicClock.now() < deadline {
            pump(timeout: .milliseconds(50))
            guard let ready = records.first(where: { $0["ready"] != .null })?["ready"], case .object(let all) = ready else { continue }
            for (name, w) in all {
                guard let id = w["id"].int64, let x = w["x"].int, let y = w["y"].int, let width = w["w"].int, let height = w["h"].int else {
                    throw BenchError("the X client reported window \(name) as \(w.serialized)")
                }
                windows[name] = Window(id: id, x: x, y: y, width: width, height: height)
            }
            return
        }
        throw BenchError("the X client did not map its windows within 15 s (is python3-xlib installed? run scripts/deps.sh)")
    }

    deinit { child.stop() }

    /// Reads what the client printed within `timeout`.
    func pump(timeout: Duration) {
        for line in child.readLines(timeout: timeout) {
            if let v = JSONValue.parse(line) { records.append(v) }
        }
    }

    /// Returns once the client has printed every event the X server delivered to it
    /// before this call: a `sync` makes it read them all, and a second one's
    /// acknowledgement comes after it printed what the first one read.
    func settle() throws {
        for _ in 0..<2 {
            let n = nextCommand
            nextCommand += 1
            guard child.write("\(n) sync\n") else { throw BenchError("the X client has exited") }
            let deadline = MonotonicClock.now() + .seconds(10)
            while !records.contains(where: { $0["ack"].int == n }) {
                guard MonotonicClock.now() < deadline else { throw BenchError("the X client did not answer a sync within 10 s") }
                pump(timeout: .milliseconds(50))
            }
        }
    }

    /// The characters window `name` received as key presses, from record `since` on.
    func typed(in name: String, since: Int) -> String {
        records[since...].filter { $0["ev"] == "key" && $0["win"].string == name }.map { $0["char"].string ?? "" }.joined()
    }
}
