/// A point on the engine's monotonic clock, in nanoseconds since an arbitrary epoch.
///
/// The engine never reads a clock: every input carries its `Instant`, so tests drive it
/// with a virtual clock and the daemon with `CLOCK_MONOTONIC`.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Saturating: a deadline a client sets absurdly far (`wait(timeout: .seconds(.max))`)
    /// means "never", not a wrap-around into the past.
    public static func + (a: Instant, d: Duration) -> Instant {
        let (sum, overflow) = a.nanoseconds.addingReportingOverflow(d.nanosecondCount)
        if overflow { return Instant(nanoseconds: d < .zero ? .min : .max) }
        return Instant(nanoseconds: sum)
    }

    /// Saturating, like `+`.
    public static func - (a: Instant, d: Duration) -> Instant {
        let (difference, overflow) = a.nanoseconds.subtractingReportingOverflow(d.nanosecondCount)
        if overflow { return Instant(nanoseconds: d < .zero ? .max : .min) }
        return Instant(nanoseconds: difference)
    }

    public static func - (a: Instant, b: Instant) -> Duration {
        .nanoseconds(a.nanoseconds &- b.nanoseconds)
    }

    public var description: String {
        let ms = Double(nanoseconds) / 1_000_000
        return "t+\(ms)ms"
    }
}

extension Duration {
    /// The duration as whole nanoseconds (saturating).
    public var nanosecondCount: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s < 0 ? .min : .max }
        // 9,223,372,036 s fits, but its fraction may not: 9223372036855 ms once wrapped
        // here into a negative duration.
        let (sum, carry) = ns.addingReportingOverflow(atto / 1_000_000_000)
        if carry { return s < 0 ? .min : .max }
        return sum
    }
}
