/// The human-priority pause (DESIGN §3.4): any physical input pauses every agent for a
/// quiet period, extended by each further input. Agents learn of the pause once when it
/// starts and once (`resumed`) when it ends, not per event.
public struct HumanActivity: Hashable, Sendable {
    public var quietPeriod: Duration
    /// While set, agents are paused until this instant.
    public private(set) var pausedUntil: Instant?
    /// When the current pause began (for the rejection sentence).
    public private(set) var pausedSince: Instant?

    public init(quietPeriod: Duration) { self.quietPeriod = quietPeriod }

    @inlinable public var isPaused: Bool { pausedUntil != nil }

    /// Records physical input; returns true when this starts a pause.
    public mutating func input(at now: Instant) -> Bool {
        let starts = pausedUntil == nil
        if starts { pausedSince = now }
        pausedUntil = now + quietPeriod
        return starts
    }

    /// Ends the pause once the quiet period has passed; returns true when it ended.
    public mutating func settle(at now: Instant) -> Bool {
        guard let until = pausedUntil, now >= until else { return false }
        pausedUntil = nil
        pausedSince = nil
        return true
    }
}
