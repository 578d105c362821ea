/// The fuzz targets: each takes one input of arbitrary bytes and must neither crash nor
/// break the property it states. A broken property is a crash too (`fatalError`), so
/// libFuzzer keeps the input that found it (scripts/fuzz.sh, docs/FUZZING.md).
enum FuzzTarget: String, CaseIterable, Sendable {
    /// The wire's JSON codec: parse, and a parsed document written out parses back equal.
    case wire
    /// The daemon's request decoder on the agent and the control socket.
    case request
    /// The engine driven by the model-based random test, its choices read from the input.
    case engine

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .wire: WireDecoderTarget.run(bytes)
        case .request: RequestDecoderTarget.run(bytes)
        case .engine: EngineTarget.run(bytes)
        }
    }
}
