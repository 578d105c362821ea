/// The seat: one cursor and one focus, so gestures run one at a time as transactions
/// (DESIGN §3, atomic gestures). While one session's click or drag runs, nobody else's
/// frames interleave; other gestures wait and start when it finishes.
///
/// Waiting gestures take turns by session, round-robin (issue 15, seat hogging): each
/// session's own gestures run in the order it sent them, and between two of one
/// session's gestures every other session that waits gets one turn, in the order the
/// sessions started waiting. One agent with 32 requests in flight thus delays another's
/// gesture by one gesture, not 32.
///
/// Frames are due relative to the frame before them, as actually emitted: if a tick
/// comes late, the rest of the gesture shifts rather than compressing a press and its
/// release into one instant (apps need the minimum hold).
public struct SeatScheduler: Sendable {
    /// An accepted gesture waiting for, or running on, the seat.
    public struct Job: Hashable, Sendable {
        public var session: SessionID
        public var request: RequestID
        public var lease: LeaseID
        public var gesture: Gesture
        public var acceptedAt: Instant
    }

    public struct Transaction: Hashable, Sendable {
        public var job: Job
        public var frames: [TimedFrame]
        /// Index of the next frame to emit.
        public var next: Int
        /// When `frames[next]` is due.
        public var due: Instant
        public var startedAt: Instant
    }

    public private(set) var running: Transaction?
    public private(set) var waiting: [Job] = []
    /// The sessions with waiting jobs, whose turn comes first first: a session joins at
    /// the back when its first job waits, and goes to the back after each turn.
    public private(set) var turns: [SessionID] = []
    /// Whose gesture was taken last.
    public private(set) var lastServed: SessionID?
    /// A session whose finished gestures left keys or buttons down (a `mouseDown`, a
    /// `keyDown`) keeps the seat: anyone else's click now would drag with its button, or
    /// type with its Shift. Only its own gestures run until it lets go.
    public private(set) var heldBy: SessionID?
    public private(set) var heldSince: Instant?

    public init() {}

    public var isIdle: Bool { running == nil }

    public mutating func enqueue(_ job: Job) {
        if !turns.contains(job.session) { turns.append(job.session) }
        waiting.append(job)
    }

    /// Takes the next waiting job (to compile and `start`): the first of the session
    /// holding the seat if one does, else the first of the session whose turn it is.
    public mutating func dequeue() -> Job? {
        // The session that just had the seat waits for the others first, also when its
        // next gesture was queued before theirs.
        if heldBy == nil, turns.count > 1, turns.first == lastServed { turns.append(turns.removeFirst()) }
        guard let s = heldBy ?? turns.first, let i = waiting.firstIndex(where: { $0.session == s }) else { return nil }
        lastServed = s
        let job = waiting.remove(at: i)
        if let t = turns.firstIndex(of: s) {
            turns.remove(at: t)
            // Its next gesture waits for everyone else's turn.
            if waiting.contains(where: { $0.session == s }) { turns.append(s) }
        }
        return job
    }

    /// `session` left something pressed: the seat stays its own.
    public mutating func hold(for session: SessionID, at now: Instant) {
        if heldBy != session { heldBy = session; heldSince = now }
    }

    /// The holder let go (or was made to): the seat is everyone's again.
    public mutating func letGo() {
        heldBy = nil
        heldSince = nil
    }

    /// Someone other than the holder waits for the seat.
    public var othersWait: Bool {
        guard let h = heldBy else { return false }
        return waiting.contains { $0.session != h }
    }

    public mutating func start(_ job: Job, frames: [TimedFrame], at now: Instant) {
        let first = frames.first?.offset ?? .zero
        running = Transaction(job: job, frames: frames, next: 0, due: now + first, startedAt: now)
    }

    /// The next frame if it is due at `now`; advances past it.
    public mutating func popDue(at now: Instant) -> TimedFrame? {
        guard var t = running, t.next < t.frames.count, t.due <= now else { return nil }
        let frame = t.frames[t.next]
        t.next += 1
        if t.next < t.frames.count {
            t.due = now + (t.frames[t.next].offset - frame.offset)
        }
        running = t
        return frame
    }

    /// Ends the running transaction if all its frames are out; returns its job.
    public mutating func finishIfDone() -> Job? {
        guard let t = running, t.next >= t.frames.count else { return nil }
        running = nil
        return t.job
    }

    /// Stops the running transaction now (human input, lease end); returns its job.
    public mutating func abort() -> Job? {
        defer { running = nil }
        return running?.job
    }

    /// Removes waiting jobs matching `predicate`, in order, and returns them.
    public mutating func drop(where predicate: (Job) -> Bool) -> [Job] {
        let dropped = waiting.filter(predicate)
        guard !dropped.isEmpty else { return [] }
        waiting.removeAll(where: predicate)
        turns.removeAll { s in !waiting.contains { $0.session == s } }
        return dropped
    }

    public var nextDeadline: Instant? {
        guard let t = running else { return nil }
        return t.next < t.frames.count ? t.due : nil
    }

    public func isBusy(with session: SessionID) -> Bool {
        running?.job.session == session || waiting.contains { $0.session == session }
    }
}
