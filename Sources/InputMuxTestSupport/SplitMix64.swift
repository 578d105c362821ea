/// A seeded pseudo-random generator (SplitMix64, Steele/Lea/Flood 2014): tiny, fast, and
/// the same sequence on every machine, so a failing random test is replayed by its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0), without modulo bias worth caring about for tests.
    public mutating func next(upTo n: UInt64) -> UInt64 {
        precondition(n > 0)
        return next().multipliedFullWidth(by: n).high
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: UInt64) -> Bool { next(upTo: 100) < percent }
}
