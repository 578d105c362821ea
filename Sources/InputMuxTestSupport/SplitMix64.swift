/// A seeded pseudo-random generator (SplitMix64, Steele/Lea/Flood 2014): tiny, fast, and
/// the same sequence on every machine, so a failing random test is replayed by its seed.
///
/// With a script (the fuzzer's input), the first draws are steered by it: each takes two
/// bytes as its top 16 bits, which decide every `next(upTo:)` and `chance`, so a mutation of
/// the input changes the choices it covers; once the script is used up the sequence goes on
/// from the seed alone.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    private var script: [UInt8] = []
    private var scriptPosition = 0

    public init(seed: UInt64) { state = seed }

    public init(script: [UInt8], seed: UInt64 = 0) {
        state = seed
        self.script = script
    }

    public mutating func next() -> UInt64 {
        let mixed = nextMixed()
        guard scriptPosition + 1 < script.count else { return mixed }
        let steer = UInt64(script[scriptPosition]) << 56 | UInt64(script[scriptPosition + 1]) << 48
        scriptPosition += 2
        return steer | (mixed & 0x0000_FFFF_FFFF_FFFF)
    }

    private mutating func nextMixed() -> UInt64 {
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
