/// A per-session rate limit (DESIGN §3.5): `burst` gestures at once, refilled at
/// `perSecond`. Computed from the instants given, never from a clock.
public struct RateLimit: Hashable, Sendable {
    public var burst: Int
    public var perSecond: Int
    public init(burst: Int, perSecond: Int) { self.burst = burst; self.perSecond = perSecond }
    public static let standard = RateLimit(burst: 60, perSecond: 30)
    /// For tests and benchmarks that must never be limited.
    public static let unlimited = RateLimit(burst: .max / 4, perSecond: .max / 4)
}

public struct TokenBucket: Hashable, Sendable {
    public var limit: RateLimit
    /// Tokens in nanotoken units (1 token = 1e9), so refill stays exact in integers.
    private var nanotokens: Int64
    private var updated: Instant

    public init(_ limit: RateLimit, at now: Instant) {
        self.limit = limit
        self.nanotokens = Self.capacity(limit)
        self.updated = now
    }

    private static func capacity(_ l: RateLimit) -> Int64 {
        Int64(clamping: l.burst).multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : Int64(l.burst) * 1_000_000_000
    }

    static var unit: Int64 { 1_000_000_000 }

    /// The tokens available at `now` (nanotokens), without taking any.
    func available(at now: Instant) -> Int64 {
        let elapsed = max(0, now.nanoseconds &- updated.nanoseconds)
        let (refill, o) = elapsed.multipliedReportingOverflow(by: Int64(clamping: limit.perSecond))
        let cap = Self.capacity(limit)
        if o { return cap }
        let (sum, o2) = nanotokens.addingReportingOverflow(refill)
        return o2 ? cap : min(cap, sum)
    }

    /// Whether one token is available at `now`.
    public func allows(at now: Instant) -> Bool { available(at: now) >= Self.unit }

    /// Takes one token (call only after `allows`).
    public mutating func take(at now: Instant) {
        nanotokens = available(at: now) - Self.unit
        updated = now
    }

    /// How long until one token is available.
    public func wait(at now: Instant) -> Duration {
        let missing = Self.unit - available(at: now)
        guard missing > 0, limit.perSecond > 0 else { return .zero }
        return .nanoseconds((missing + Int64(limit.perSecond) - 1) / Int64(limit.perSecond))
    }
}
