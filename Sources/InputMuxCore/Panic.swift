/// The panic chord (DESIGN §4): a key combination on a *physical* keyboard that revokes
/// every lease, pauses and neutralizes every agent, and freezes them until an operator
/// resumes. Agents cannot trigger it: only `EngineInput.physical` frames reach it.
public struct PanicChord: Hashable, Sendable, CustomStringConvertible {
    public var keys: [KeyCode]

    public init(_ keys: [KeyCode]) { self.keys = keys }

    /// keyd's choice: three keys nobody presses together by accident.
    public static let standard = PanicChord([.backspace, .esc, .enter])

    public var description: String { keys.map(\.description).joined(separator: "+") }
}

/// Watches physical key presses for the chord. Holds one flag per chord key, so watching
/// allocates nothing on the passthrough path.
public struct PanicDetector: Hashable, Sendable {
    public let chord: PanicChord
    private var down: [Bool]
    /// When the chord last fired; agents stay frozen while this is set.
    public private(set) var frozenSince: Instant?

    public init(chord: PanicChord) {
        self.chord = chord
        self.down = Array(repeating: false, count: chord.keys.count)
    }

    @inlinable public var isFrozen: Bool { frozenSince != nil }

    /// Feeds one physical key event; returns true when it completes the chord (and freezes).
    public mutating func key(_ code: UInt16, value: Int32, at now: Instant) -> Bool {
        guard !chord.keys.isEmpty, value != 2 else { return false }
        var i = 0
        var all = true
        while i < chord.keys.count {
            if chord.keys[i].rawValue == code { down[i] = value != 0 }
            all = all && down[i]
            i += 1
        }
        guard all, value != 0 else { return false }
        frozenSince = now
        return true
    }

    /// The operator's `muxctl resume` after a panic.
    public mutating func thaw() { frozenSince = nil }
}
