import Synchronization

/// One lease, as one object: its state, its events, and the gestures played under it.
///
/// Gestures on one lease are sent one at a time, in call order, even when called from
/// concurrent tasks. A lease lives on the connection that acquired it: if that
/// connection drops (daemon restart, crash), the daemon has ended the lease, and so does
/// this object (`ended(lease_lost)`); it never carries over to a new connection.
public final class Lease: Sendable, CustomStringConvertible {
    /// `L12`.
    public let id: String
    public let client: AgentClient
    let connection: DaemonConnection
    private let serial = SerialLock()
    private let box: Mutex<Box>

    private struct Box {
        var info: LeaseInfo
        var base: LeaseState
        var holder: LeaseHolder?
        var leasePause: Reason?
        var sessionPause: Reason?
        var subscribers: [Int: AsyncStream<LeaseEvent>.Continuation] = [:]
        var waiters: [Int: CheckedContinuation<Result<Void, InputMuxError>, Never>] = [:]
        var early: [Int: Result<Void, InputMuxError>] = [:]
        var nextToken = 0

        var state: LeaseState {
            if case .ended = base { return base }
            if base == .active, let why = leasePause ?? sessionPause { return .paused(why) }
            return base
        }
    }

    init(info: LeaseInfo, state: LeaseState, client: AgentClient, connection: DaemonConnection) {
        id = info.id
        self.client = client
        self.connection = connection
        box = Mutex(Box(info: info, base: state))
    }

    public var description: String { "lease \(id) on \(info.region)" }

    /// The daemon's last description of this lease.
    public var info: LeaseInfo { box.withLock { $0.info } }
    public var state: LeaseState { box.withLock { $0.state } }
    public var region: Region { info.region }
    /// While queued: the lease in the way, when the daemon's status showed it.
    public var holder: LeaseHolder? { box.withLock { $0.holder } }

    /// The lease's events: first its current state, then each change, ending after
    /// `revoked` or `ended`.
    public var events: AsyncStream<LeaseEvent> {
        let (stream, continuation) = AsyncStream<LeaseEvent>.makeStream(bufferingPolicy: .unbounded)
        let token: Int? = box.withLock { b in
            continuation.yield(Self.event(describing: b))
            if b.state.isEnded {
                continuation.finish()
                return nil
            }
            let t = b.nextToken
            b.nextToken += 1
            b.subscribers[t] = continuation
            return t
        }
        if let token {
            continuation.onTermination = { [weak self] _ in self?.box.withLock { _ = $0.subscribers.removeValue(forKey: token) } }
        }
        return stream
    }

    private static func event(describing b: Box) -> LeaseEvent {
        switch b.state {
        case .active: .granted(b.info)
        case .queued(let position, let reason): .queued(position: position, holder: b.holder, reason: reason)
        case .pendingApproval(let reason): .pendingApproval(reason: reason)
        case .paused(let why): .paused(why)
        case .ended(let why): why.code == .revoked ? .revoked(why) : .ended(why)
        }
    }

    /// Waits until the lease is active (granted, not paused). Throws the ending reason if
    /// it ends instead (`queue_timeout`, `approval_denied`, `revoked`, `lease_lost`…), or
    /// `timeout` when `timeout` passes first (the lease itself stays queued).
    public func waitUntilActive(timeout: Duration? = nil) async throws(InputMuxError) {
        let token: Int = box.withLock { b in
            b.nextToken += 1
            return b.nextToken
        }
        let timer = timeout.map { t in
            Task { [weak self] in
                try? await Task.sleep(for: t)
                guard !Task.isCancelled, let self else { return }
                self.wake(token, .failure(InputMuxError(.timeout,
                    "\(self.id) was not active within \(t) (it is \(self.state)); wait longer, release it, or ask the operator (`muxctl status`)")))
            }
        }
        defer { timer?.cancel() }
        let outcome: Result<Void, InputMuxError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<Void, InputMuxError>, Never>) in
                let now: Result<Void, InputMuxError>? = box.withLock { b in
                    if let r = b.early.removeValue(forKey: token) ?? Self.settled(b.state) { return r }
                    b.waiters[token] = c
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: {
            wake(token, .failure(InputMuxError(.timeout, "waiting for \(id) to become active was cancelled")))
        }
        try outcome.get()
    }

    private static func settled(_ s: LeaseState) -> Result<Void, InputMuxError>? {
        switch s {
        case .active: .success(())
        case .ended(let why): .failure(why.error)
        default: nil
        }
    }

    /// Settles one waiter; if it has not started waiting yet, it finds the result on arrival.
    private func wake(_ token: Int, _ r: Result<Void, InputMuxError>) {
        let waiter = box.withLock { b in
            let w = b.waiters.removeValue(forKey: token)
            if w == nil { b.early[token] = r }
            return w
        }
        waiter?.resume(returning: r)
    }

    // MARK: - Changes (called on the connection's reader thread, in order)

    enum Change: Sendable {
        case granted(LeaseInfo)
        case queuedBehind(LeaseHolder?)
        case leasePaused(Reason?)
        case sessionPaused(Reason?)
        case moved(Region)
        case ended(Reason)
    }

    func apply(_ change: Change) {
        typealias Waiter = CheckedContinuation<Result<Void, InputMuxError>, Never>
        // Streams are finished and waiters resumed outside the lock: a stream's
        // termination handler takes the lock again.
        let (waiters, settled, finished) = box.withLock { b -> ([Waiter], Result<Void, InputMuxError>?, [AsyncStream<LeaseEvent>.Continuation]) in
            if b.state.isEnded { return ([], nil, []) }
            let before = b.state
            var out: [LeaseEvent] = []
            switch change {
            case .granted(let info):
                b.info = info
                b.base = .active
            case .queuedBehind(let h):
                b.holder = h
                if case .queued(let p, let reason) = b.base { out.append(.queued(position: p, holder: h, reason: reason)) }
            case .leasePaused(let why):
                b.leasePause = why
            case .sessionPaused(let why):
                b.sessionPause = why
            case .moved(let r):
                b.info.region = r
                out.append(.moved(r))
            case .ended(let why):
                b.base = .ended(why)
                b.info.state = "ended"
                b.info.endedReason = why.code.rawValue
            }
            let after = b.state
            if after != before {
                switch after {
                case .active:
                    if case .paused = before { out.append(.resumed) } else { out.append(.granted(b.info)) }
                case .paused(let why): out.append(.paused(why))
                case .ended(let why): out.append(why.code == .revoked ? .revoked(why) : .ended(why))
                default: break
                }
            }
            for e in out { for s in b.subscribers.values { s.yield(e) } }
            var finished: [AsyncStream<LeaseEvent>.Continuation] = []
            if after.isEnded {
                finished = Array(b.subscribers.values)
                b.subscribers.removeAll()
            }
            guard let r = Self.settled(after) else { return ([], nil, finished) }
            let w = Array(b.waiters.values)
            b.waiters.removeAll()
            return (w, r, finished)
        }
        for s in finished { s.finish() }
        if let settled { for c in waiters { c.resume(returning: settled) } }
    }

    // MARK: - Gestures

    /// Plays one gesture under this lease and waits until the daemon has played it in full.
    public func perform(_ gesture: Gesture) async throws(InputMuxError) {
        let request = try ClientRequest.gesture(gesture).json()
        try await serial.run { () async throws(InputMuxError) -> Void in
            if case .ended(let why) = state { throw Self.endedError(id, why) }
            _ = try await connection.request(request)
            if let p = gesture.pointerEnd { client.noteCursor(p, connection: connection) }
        }
    }

    static func endedError(_ id: String, _ why: Reason) -> InputMuxError {
        if why.code == .leaseLost { return InputMuxError(.leaseLost, why.message) }
        return InputMuxError(.leaseNotActive, "\(id) has ended (\(why)); acquire a new lease")
    }

    /// What this lease shows (`AgentClient.capture`), in turn with its gestures: a
    /// capture asked for after a click is made after the click was played.
    public func capture(_ options: CaptureOptions = CaptureOptions()) async throws(InputMuxError) -> Screenshot {
        try await serial.run { () async throws(InputMuxError) -> Screenshot in
            if case .ended(let why) = state { throw Self.endedError(id, why) }
            return try await AgentClient.capture(on: connection, lease: id, options)
        }
    }

    public func move(to p: Point) async throws(InputMuxError) { try await perform(.move(to: p)) }

    public func click(at p: Point? = nil, button: MouseButton = .left, count: Int = 1, modifiers: String = "") async throws(InputMuxError) {
        try await perform(.click(at: p, button: button, count: count, modifiers: modifiers))
    }

    public func mouseDown(at p: Point? = nil, button: MouseButton = .left) async throws(InputMuxError) {
        try await perform(.mouseDown(at: p, button: button))
    }

    public func mouseUp(at p: Point? = nil, button: MouseButton = .left) async throws(InputMuxError) {
        try await perform(.mouseUp(at: p, button: button))
    }

    public func drag(path: [Point], button: MouseButton = .left, modifiers: String = "") async throws(InputMuxError) {
        try await perform(.drag(path: path, button: button, modifiers: modifiers))
    }

    public func scroll(at p: Point? = nil, dx: Int = 0, dy: Int, unit: ScrollUnit = .notches) async throws(InputMuxError) {
        try await perform(.scroll(at: p, dx: dx, dy: dy, unit: unit))
    }

    /// A chord in xdotool syntax (`ctrl+s`, `Return`), pressed `repeat` times.
    public func keys(_ chord: String, repeat count: Int = 1) async throws(InputMuxError) {
        try await perform(.keys(chord, repeat: count))
    }

    public func keyDown(_ key: String) async throws(InputMuxError) { try await perform(.keyDown(key)) }
    public func keyUp(_ key: String) async throws(InputMuxError) { try await perform(.keyUp(key)) }

    public func hold(_ chord: String, for duration: Duration) async throws(InputMuxError) {
        try await perform(.hold(chord, durationMs: Self.milliseconds(duration)))
    }

    /// Types `text` through the daemon's keymap (checked whole before anything is sent).
    public func type(_ text: String) async throws(InputMuxError) { try await perform(.type(text)) }

    /// Waits on the seat (the daemon paces it with the other gestures).
    public func wait(_ duration: Duration) async throws(InputMuxError) {
        try await perform(.wait(durationMs: Self.milliseconds(duration)))
    }

    /// Whole milliseconds, saturating (`.seconds(Int64.max)` once trapped here).
    package static func milliseconds(_ d: Duration) -> Int {
        let (ms, overflow) = d.components.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return d < .zero ? Int(Int64.min) : Int(Int64.max) }
        let (sum, carry) = ms.addingReportingOverflow(d.components.attoseconds / 1_000_000_000_000_000)
        if carry { return d < .zero ? Int(Int64.min) : Int(Int64.max) }
        return Int(sum)
    }

    /// Ends the lease. Releasing an ended lease is a no-op.
    public func release() async throws(InputMuxError) {
        try await serial.run { () async throws(InputMuxError) -> Void in
            if state.isEnded { return }
            do throws(InputMuxError) {
                _ = try await connection.request(.release(lease: id))
            } catch where error.code == .unknownLease {
                // Already over on the daemon's side; the ended event says why.
            }
            apply(.ended(Reason(code: .released, message: "\(id) was released by its holder")))
            client.forget(id)
        }
    }
}
