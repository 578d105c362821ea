import Glibc
import InputMuxCore

/// Monotonic time for measurements (the engine itself never reads a clock).
enum CoreClock {
    static func nanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Wall-clock Unix nanoseconds, for the demo's readable times.
    static func unixNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// An engine output that keeps nothing: benchmarks measure the engine, not a collector.
struct CoreNullOutput: EngineOutput {
    var frames = 0
    var replies = 0
    var lastReply: Reply?
    var keepReplies = false
    mutating func emit(_ frame: Frame, to device: DeviceRef) { frames += 1 }
    mutating func reply(_ reply: Reply, to requester: Requester, for request: RequestID) {
        replies += 1
        if keepReplies { lastReply = reply }
    }
    mutating func notify(_ event: LeaseEvent, to session: SessionID) {}
    mutating func audit(_ event: AuditEvent) {}
    mutating func device(_ action: DeviceAction) {}
    mutating func capture(_ order: CaptureOrder) {}
    mutating func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome { .taken }
}

/// Percentiles of a sample, in nanoseconds.
struct CorePercentiles {
    var p50: Int64
    var p99: Int64
    var max: Int64

    init(_ samples: [Int64]) {
        let s = samples.sorted()
        func at(_ q: Double) -> Int64 { s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * q))] }
        p50 = at(0.50)
        p99 = at(0.99)
        max = s.last ?? 0
    }
}
