/// An event stream of the IPC: the name `SUBSCRIBE` takes and the message type an event
/// arrives with (bit 31 set, the low bits the number below).
///
/// sway 1.7 has no output event: `SUBSCRIBE ["output"]` answers `success: false` there
/// (its `sway-ipc(7)` lists none). i3 and later sway versions send one; on 1.7 the outputs
/// are read again when a workspace event says one was made or moved.
public enum SwayEventKind: Hashable, Sendable, CustomStringConvertible {
    case workspace
    case output
    case window
    case input
    /// Another event this library does not read (mode, binding, tick, shutdown, bars).
    case other(UInt32)

    /// Bit 31 of a message type marks an event.
    public static let eventBit: UInt32 = 1 << 31

    /// The kind of an event message type, or nil when `type` is not an event.
    public init?(messageType type: UInt32) {
        guard type & Self.eventBit != 0 else { return nil }
        switch type & ~Self.eventBit {
        case 0: self = .workspace
        case 1: self = .output
        case 3: self = .window
        case 0x15: self = .input
        default: self = .other(type & ~Self.eventBit)
        }
    }

    /// The name `SUBSCRIBE` takes; nil for `.other`.
    public var subscriptionName: String? {
        switch self {
        case .workspace: "workspace"
        case .output: "output"
        case .window: "window"
        case .input: "input"
        case .other: nil
        }
    }

    public var description: String { subscriptionName ?? "event 0x\(String(Self.eventBit | otherNumber, radix: 16))" }

    private var otherNumber: UInt32 { if case .other(let n) = self { n } else { 0 } }
}
