import InputMuxCore

/// What this process injected through XTest and has not yet seen come back as an
/// XInput2 raw event. Every XTest client (InputMux, xdotool, any other) injects through
/// the same virtual XTEST devices, so a raw event from them that nobody here announced
/// came from someone else: a foreign injection.
///
/// Pure bookkeeping with an explicit clock, so its rules are testable without X.
public struct InjectionLedger: Sendable {
    public enum Kind: Hashable, Sendable, CustomStringConvertible {
        case keyPress, keyRelease, buttonPress, buttonRelease, motion

        public var description: String {
            switch self {
            case .keyPress: "key press"
            case .keyRelease: "key release"
            case .buttonPress: "button press"
            case .buttonRelease: "button release"
            case .motion: "motion"
            }
        }
    }

    struct Entry: Hashable, Sendable {
        var kind: Kind
        var detail: UInt32
        var at: Instant
    }

    /// Announced and not yet seen, oldest first.
    private var expected: [Entry] = []
    /// An announcement never seen back (the server may merge motions) stops masking
    /// foreign events of its kind after this long.
    public var horizon: Duration

    public init(horizon: Duration = .seconds(2)) { self.horizon = horizon }

    /// Call before sending the request, so its echo can never arrive first.
    public mutating func announce(_ kind: Kind, detail: UInt32, at now: Instant) {
        expected.append(Entry(kind: kind, detail: detail, at: now))
    }

    /// A raw event from an XTEST device arrived: true when it is foreign (nobody here
    /// announced it). Motion matches any announced motion (its detail is meaningless).
    public mutating func observe(_ kind: Kind, detail: UInt32, at now: Instant) -> Bool {
        expected.removeAll { now - $0.at > horizon }
        if let i = expected.firstIndex(where: { $0.kind == kind && (kind == .motion || $0.detail == detail) }) {
            expected.remove(at: i)
            return false
        }
        return true
    }

    public var outstanding: Int { expected.count }
}
