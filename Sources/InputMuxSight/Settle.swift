import InputMuxCore

/// How long a capture may wait for the screen to stop changing (DESIGN §5b), instead
/// of a fixed sleep: until `quiet` has passed with no change in the captured area, and
/// when the session acted shortly before, until that action's change has come at all.
/// Never longer than `maximum`.
public struct SettleRule: Hashable, Sendable {
    public var quiet: Duration
    public var maximum: Duration

    public init(quiet: Duration = .milliseconds(100), maximum: Duration = .seconds(2)) {
        self.quiet = quiet; self.maximum = maximum
    }

    /// Bounds a client may ask for.
    public static let quietRange: ClosedRange<Duration> = .milliseconds(10) ... .seconds(5)
    public static let maximumRange: ClosedRange<Duration> = .zero ... .seconds(30)
}

/// One capture's wait, decided from instants only (tests drive it on a virtual clock).
public struct Settle: Sendable {
    public let rule: SettleRule
    /// When the capture was asked for.
    public let started: Instant
    /// When the session's last gesture ended; its change is expected unless it is older
    /// than `rule.maximum`.
    public let lastAction: Instant?

    public init(rule: SettleRule, started: Instant, lastAction: Instant?) {
        self.rule = rule; self.started = started; self.lastAction = lastAction
    }

    public enum Decision: Hashable, Sendable {
        /// Capture now: `settled` is false when the maximum ran out first.
        case capture(settled: Bool)
        /// Nothing can be decided before `until` unless the source reports a change.
        case wait(until: Instant)
    }

    /// What to do at `now`, the area's latest change being `lastChange`.
    public func decide(now: Instant, lastChange: Instant?) -> Decision {
        let deadline = started + rule.maximum
        // The action's change is awaited when the action was recent as the capture began
        // and nothing has changed after it; it is given up `maximum` after the action.
        var awaitingChangeUntil: Instant?
        if let action = lastAction, started < action + rule.maximum, !(lastChange.map { $0 > action } ?? false) {
            awaitingChangeUntil = min(action + rule.maximum, deadline)
        }
        // Quiet since the latest change (and since the action: its effect may start late).
        let latest = [lastChange, lastAction].compactMap { $0 }.max()
        let quietAt = latest.map { $0 + rule.quiet } ?? now
        if let until = awaitingChangeUntil {
            if now >= until { return .capture(settled: false) }
            return .wait(until: until)
        }
        if quietAt <= now { return .capture(settled: true) }
        if now >= deadline { return .capture(settled: false) }
        let next = min(quietAt, deadline)
        return .wait(until: max(next, now))
    }
}
