import InputMuxCore
import InputMuxDaemon
import InputMuxHarness
import InputMuxLinux

/// One agent of `muxbench seats`: a session that types one text into one window, the way
/// a careful agent does on the seat the daemon gave it.
/// - **Own seat**: it takes a window lease with the keyboard and types; the daemon puts
///   its seat's focus on the window.
/// - **Shared seat**: one keyboard lease at a time, so it queues for a window lease with
///   the keyboard (`mode: "wait"`), clicks into the window (the focus follows the one
///   pointer: no window manager, PointerRoot focus), types, and releases. A type refused
///   for focus (`focus_elsewhere`, `focus_unproven`) is counted, and it clicks again and
///   types again.
/// Used by one thread.
final class SeatsTypist {
    enum Seat: String, Sendable { case own, shared }

    /// What one job took and met.
    struct Outcome: Sendable {
        /// The first request sent, the last reply read.
        var began: Instant?
        var ended: Instant?
        /// Type gestures refused for focus (`focus_elsewhere`, `focus_unproven`).
        var refusals = 0
        /// Request → reply of the type gesture that went through.
        var typeSeconds: Double?
        /// Acquire → lease active (the shared seat's queue).
        var queueSeconds: Double?
        var failure: String?

        var seconds: Double? { began.flatMap { b in ended.map { Double(($0 - b).nanosecondCount) / 1e9 } } }
    }

    static let attempts = 10

    let client: BenchClient
    let seat: Seat

    /// Says hello as `name`; the daemon must give the session the `seat` expected.
    init(socket: String, name: String, seat: Seat) throws {
        client = try BenchClient(socket)
        let hello = try client.ok(["type": "hello", "protocol": 1, "name": .string(name)], timeout: .seconds(60))
        guard hello["seat"]["mode"].string == seat.rawValue else {
            throw BenchError("session \(name) was to be on the \(seat) seat; its hello says \(hello["seat"].serialized)")
        }
        self.seat = seat
    }

    /// Types `text` into `window`; never throws: what went wrong is the outcome's `failure`.
    func type(_ text: String, into window: RecordingClient.Window) -> Outcome {
        var o = Outcome()
        do {
            o.began = MonotonicClock.now()
            let lease = try acquire(window, &o)
            var attempt = 0
            while o.typeSeconds == nil {
                guard attempt < Self.attempts else { throw BenchError("still refused for focus after \(attempt) attempts") }
                if seat == .shared {
                    // Into the window: the click moves the one pointer, and the focus with it.
                    _ = try client.ok(["type": "gesture", "action": "click", "x": .int(Int64(window.x + 30 + attempt % 10 * 24)),
                                       "y": .int(Int64(window.y + 40 + attempt / 10 * 30))])
                }
                attempt += 1
                let t0 = MonotonicClock.now()
                let r = try client.request(["type": "gesture", "action": "type", "text": .string(text)], timeout: .seconds(60))
                if r["ok"] == .bool(true) {
                    o.typeSeconds = Double((MonotonicClock.now() - t0).nanosecondCount) / 1e9
                } else if let code = r["error"]["code"].string, code == "focus_elsewhere" || code == "focus_unproven" {
                    o.refusals += 1
                } else {
                    throw BenchError("type refused: \(r.serialized)")
                }
            }
            _ = try client.ok(["type": "release", "lease": lease])
            o.ended = MonotonicClock.now()
        } catch {
            o.failure = "\(error)"
        }
        client.discardEvents()
        return o
    }

    /// A window lease with the keyboard, active: at once on an own seat, after the queue
    /// on the shared one. Its id.
    private func acquire(_ window: RecordingClient.Window, _ o: inout Outcome) throws -> JSONValue {
        let t0 = MonotonicClock.now()
        let mode: JSONValue = seat == .own ? "try" : "wait"
        let r = try client.ok(["type": "acquire", "window": .int(Int64(window.id)), "keyboard": true, "mode": mode])
        let id = r["lease"]["id"]
        switch r["state"].string {
        case "active":
            break
        case "queued" where seat == .shared:
            _ = try client.event(timeout: .seconds(120)) { $0["event"] == "granted" && $0["lease"]["id"] == id }
        default:
            throw BenchError("the lease on window \(window.id) was not granted: \(r.serialized)")
        }
        o.queueSeconds = Double((MonotonicClock.now() - t0).nanosecondCount) / 1e9
        return id
    }
}
