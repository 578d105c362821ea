import InputMuxCore

/// The keys and buttons a virtual device has down, in press order, so that everything
/// can be released (in reverse order) before the device goes away.
public struct HeldInputs: Sendable, Equatable {
    public private(set) var codes: [UInt16] = []

    public init() {}

    /// Updates from the key events of a frame about to be written.
    public mutating func note(_ frame: Frame) {
        for e in frame.events where e.type == EV.key {
            if e.value == 0 {
                codes.removeAll { $0 == e.code }
            } else if e.value == 1 && !codes.contains(e.code) {
                codes.append(e.code)
            }
        }
    }

    /// The frame that releases everything held, last pressed first; nil if nothing is held.
    public func releaseFrame() -> Frame? {
        codes.isEmpty ? nil : Frame(codes.reversed().map { EvdevEvent(type: EV.key, code: $0, value: 0) })
    }

    public mutating func removeAll() { codes.removeAll() }
}
