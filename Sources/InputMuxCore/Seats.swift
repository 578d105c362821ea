/// The seats gestures run on (DESIGN §5a). Every session shares the human's seat (one
/// cursor, one focus) unless the window system gave it a seat of its own (an XInput2
/// master pair): then its gestures run on that seat, beside everyone else's, and a
/// transaction, its pacing and the neutral state are that seat's alone.
public enum SeatKey: Hashable, Sendable, CustomStringConvertible {
    /// The human's seat, shared by every session without a seat of its own.
    case shared
    /// The seat of this session alone.
    case own(SessionID)

    public var description: String {
        switch self {
        case .shared: "the shared seat"
        case .own(let s): "the seat of session #\(s)"
        }
    }
}

/// What a session got at hello: its own seat, or the shared one and why.
public enum SeatAssignment: Hashable, Sendable {
    /// A seat of its own, named as the window system shows it (`xinput list`).
    case own(name: String)
    /// The shared seat: own seats are off, there is no window system that has them, or
    /// creating one failed (the sentence says which).
    case shared(reason: String)

    public var isOwn: Bool { if case .own = self { true } else { false } }
}

/// Where a seat's keyboard focus is put before its keys are written.
public enum SeatFocusTarget: Hashable, Sendable {
    /// The leased window.
    case window(WindowID)
    /// Whatever window lies under the seat's own pointer, which is at this point inside
    /// the leased region (a region lease).
    case underPointer(Point)
}

/// What the window system did with a seat's focus (`EngineOutput.focusSeat`).
public enum SeatFocusOutcome: Hashable, Sendable {
    case taken
    /// Not taken: why, in the window system's terms, and what the agent can do.
    case refused(String)
}

/// Whom the human's input pauses (`[human] pause`).
public enum HumanPauseScope: String, Hashable, Sendable, CaseIterable {
    /// Every agent (also sessions on their own seats).
    case all
    /// Sessions on the shared seat always; a session on its own seat only when the human
    /// touches its lease: clicks, scrolls or drags inside it, or types while the human's
    /// focus lies in its window or region.
    case touched
}

/// The shared seat's scheduler and one per own seat.
public struct Seats: Sendable {
    public internal(set) var shared = SeatScheduler()
    public internal(set) var own = SessionMap<SeatScheduler>()

    public init() {}

    public subscript(key: SeatKey) -> SeatScheduler? {
        switch key {
        case .shared: shared
        case .own(let s): own[s]
        }
    }

    /// Changes one seat's scheduler in place; nil when that seat does not exist.
    @discardableResult
    mutating func update<R>(_ key: SeatKey, _ body: (inout SeatScheduler) -> R) -> R? {
        switch key {
        case .shared: return body(&shared)
        case .own(let s): return own.update(s, body)
        }
    }

    /// Every seat: the shared one first, then own seats in session order.
    public var keys: [SeatKey] { [.shared] + own.keys.map { .own($0) } }

    /// The earliest frame due on any seat.
    public var nextDeadline: Instant? {
        var next = shared.nextDeadline
        for (_, s) in own {
            if let t = s.nextDeadline, next == nil || t < next! { next = t }
        }
        return next
    }

    /// Whether a gesture of the session runs or waits anywhere.
    public func isBusy(with s: SessionID) -> Bool {
        shared.isBusy(with: s) || (own[s]?.isBusy(with: s) ?? false)
    }

    /// The gesture running on the session's seat, if it is the session's.
    public func running(of s: SessionID) -> SeatScheduler.Transaction? {
        if let r = own[s]?.running { return r }
        if let r = shared.running, r.job.session == s { return r }
        return nil
    }
}
