import InputMuxTestSupport

/// The pure engine under the model-based random test (CoreModel: random leases,
/// gestures, raw frames, human input, disconnects, operator verbs and clock jumps), with
/// its choices read from the input, so libFuzzer steers it to new branches. Any broken
/// invariant of the model (two holders on one pixel, a frame outside its lease, a key
/// left down, a forbidden chord emitted, …) is a crash.
enum EngineTarget {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        var model = CoreModel(seed: 0, agents: 6)
        model.rng = SplitMix64(script: Array(bytes), seed: UInt64(truncatingIfNeeded: bytes.count))
        model.run(steps: min(600, 16 + bytes.count / 2))
        model.finish()
        if let broken = model.violations.first {
            fatalError("engine invariant broken: \(broken)")
        }
    }
}
