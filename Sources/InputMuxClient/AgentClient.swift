import InputMuxWire
import Synchronization

/// How an acquire waits.
public enum AcquireMode: Sendable, Hashable {
    /// Join the FIFO queue; the daemon gives up with `queue_timeout` after `timeout`.
    case wait(timeout: Duration? = nil)
    /// Answer now: granted, or `conflict` naming the lease in the way.
    case `try`
}

/// Something that concerns the whole session rather than one lease.
public enum SessionEvent: Sendable, Hashable {
    /// The human is using the keyboard or mouse: every agent waits for the quiet period.
    case humanActive(Reason)
    case humanQuiet
    /// The panic chord froze every agent until an operator runs `muxctl resume`.
    case frozen(Reason)
    case unfrozen
    /// The connection dropped; every lease of the session has ended.
    case disconnected(InputMuxError)
    /// A new session after a drop (new session id; no lease carried over).
    case reconnected(SessionInfo)
    /// The display's layout changed: the session's desktop and device nodes are now these
    /// (gestures that were running were answered `desktop_changed`).
    case desktopChanged(SessionInfo)
}

/// An agent session on inputmuxd's agent socket: its identity, its virtual devices, and
/// the leases it acquires (one `Lease` object each).
///
/// ```swift
/// let agent = try await AgentClient.connect(name: "claude-1")
/// let lease = try await agent.acquire(Region(x: 0, y: 0, width: 960, height: 1080), keyboard: true)
/// try await lease.waitUntilActive(timeout: .seconds(30))
/// try await lease.click(at: Point(x: 100, y: 200))
/// try await lease.type("hello")
/// try await lease.release()
/// agent.close()
/// ```
///
/// A heartbeat keeps leases alive. If the daemon restarts, every lease reports
/// `ended(lease_lost)`; the next request (or heartbeat) connects a new session when
/// `Options.reconnect` is on.
public final class AgentClient: Sendable {
    public static let defaultSocketPath = "/run/inputmux/agent.sock"

    public struct Options: Sendable {
        /// How often to renew leases; shortened to a third of the shortest granted TTL.
        public var heartbeatInterval: Duration = .seconds(10)
        /// Connect a new session on the next request after the connection dropped.
        public var reconnect = true

        public init(heartbeatInterval: Duration = .seconds(10), reconnect: Bool = true) {
            self.heartbeatInterval = heartbeatInterval
            self.reconnect = reconnect
        }
    }

    public let socketPath: String
    public let name: String
    public let options: Options
    private let connecting = SerialLock()
    private let state: Mutex<State>

    private struct State {
        var connection: DaemonConnection
        var session: SessionInfo
        var leases: [String: Lease] = [:]
        var cursor: Point?
        var subscribers: [Int: AsyncStream<SessionEvent>.Continuation] = [:]
        var nextToken = 0
        var closed = false
        var heartbeat: Task<Void, Never>?
    }

    private init(socketPath: String, name: String, options: Options, connection: DaemonConnection, session: SessionInfo) {
        self.socketPath = socketPath
        self.name = name
        self.options = options
        state = Mutex(State(connection: connection, session: session))
    }

    /// Connects and says hello as `name`. The session's virtual pointer and keyboard exist
    /// when this returns.
    public static func connect(socketPath: String = defaultSocketPath, name: String, options: Options = Options()) async throws(InputMuxError) -> AgentClient {
        let holder = ClientHolder()
        let (connection, session) = try await open(socketPath: socketPath, name: name, holder: holder)
        let client = AgentClient(socketPath: socketPath, name: name, options: options, connection: connection, session: session)
        holder.set(client)
        client.startHeartbeat()
        return client
    }

    /// A late-bound, weak route from the reader thread to the client (the connection's
    /// handlers hold it; it must not keep the client alive).
    private final class ClientHolder: Sendable {
        private struct Ref { weak var client: AgentClient? }
        private let ref = Mutex(Ref())
        var value: AgentClient? { ref.withLock { $0.client } }
        func set(_ client: AgentClient) { ref.withLock { $0.client = client } }
    }

    private static func open(socketPath: String, name: String, holder: ClientHolder) async throws(InputMuxError) -> (DaemonConnection, SessionInfo) {
        let connection = try DaemonConnection(path: socketPath, role: .agent)
        // Events before the client exists (none are expected before hello) are dropped.
        connection.start(
            onEvent: { event in holder.value?.dispatch(event, from: connection) },
            onClose: { why in holder.value?.connectionClosed(connection, why) })
        do throws(InputMuxError) {
            let hello = try await connection.request(.hello(name: name))
            return (connection, try SessionInfo(hello: hello))
        } catch {
            connection.close()
            throw error
        }
    }

    /// The current session (a new one after a reconnect).
    public var session: SessionInfo { state.withLock { $0.session } }
    public var desktop: Region { session.desktop }
    /// Leases this client holds or waits for.
    public var leases: [Lease] { state.withLock { Array($0.leases.values) }.sorted { $0.id < $1.id } }
    /// Where this session's gestures last left its pointer (nil before the first). The
    /// protocol has no cursor query: this is the client's own record.
    public var cursor: Point? { state.withLock { $0.cursor } }

    /// Session-wide events: human activity, panic, disconnects and reconnects.
    public var events: AsyncStream<SessionEvent> {
        let (stream, continuation) = AsyncStream<SessionEvent>.makeStream(bufferingPolicy: .unbounded)
        let token = state.withLock { s in
            s.nextToken += 1
            s.subscribers[s.nextToken] = continuation
            return s.nextToken
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: token) } }
        return stream
    }

    // MARK: - Leases

    /// Asks for a lease on `region` (the whole desktop when nil). The returned lease may
    /// be active, queued (then `waitUntilActive`) or pending approval. In `try` mode a
    /// conflict throws `conflict` with the daemon's sentence naming the holder.
    public func acquire(
        _ region: Region? = nil, pointer: Bool = true, keyboard: Bool = false, window: Int? = nil,
        mode: AcquireMode = .wait(), ttl: Duration? = nil
    ) async throws(InputMuxError) -> Lease {
        let connection = try await liveConnection()
        let area = region ?? (window == nil ? session.desktop : nil)
        let message = try ClientRequest.acquire(region: area, pointer: pointer, keyboard: keyboard, window: window, mode: mode, ttl: ttl).json()
        let lease = try await connection.request(message) { [self] (result: JSON) throws(InputMuxError) -> Lease in
            // On the reader thread: registered before any later event about it is handled.
            let reply = try result.decode(AcquireReply.self)
            let lease = Lease(info: reply.lease, state: reply.state, client: self, connection: connection)
            state.withLock { $0.leases[reply.lease.id] = lease }
            return lease
        }
        if case .queued = lease.state { lease.apply(.queuedBehind(await blocker(of: lease))) }
        return lease
    }

    /// The held lease standing in a queued lease's way, from the daemon's status.
    private func blocker(of lease: Lease) async -> LeaseHolder? {
        guard let report = try? await status() else { return nil }
        let mine = lease.info
        let other = report.held.first { h in
            h.holder.session != mine.holder.session
                && ((mine.pointer && h.pointer && h.region.overlaps(mine.region)) || (mine.keyboard && h.keyboard))
        }
        return other.map { LeaseHolder(lease: $0.id, holder: $0.holder, region: $0.region) }
    }

    /// The daemon's view of the seat; never takes, extends or disturbs a lease.
    public func status() async throws(InputMuxError) -> StatusReport {
        try await statusJSON().decode(StatusReport.self)
    }

    /// `status` as the daemon sent it.
    public func statusJSON() async throws(InputMuxError) -> JSON {
        try await liveConnection().request(.status)
    }

    /// Renews the TTL of every lease of the session (the client does this on its own).
    public func heartbeat() async throws(InputMuxError) {
        _ = try await liveConnection().request(.heartbeat)
    }

    /// Orchestrators (policy right `supervise`): act on another session's lease.
    /// `command` is `pause`, `resume`, `revoke` or `reassign` (with `to`).
    public func supervise(_ command: String, lease: String, to session: Int? = nil) async throws(InputMuxError) -> JSON {
        guard let verb = RequestType(rawValue: command) else {
            throw InputMuxError(.badInput, "supervise: unknown command \"\(command)\"; give status, pause, resume, revoke or reassign")
        }
        return try await liveConnection().request(.supervise(verb, lease: lease, to: session))
    }

    /// What a lease of this session shows (`lease` nil: the session's one active lease),
    /// as an image with the transform back to desktop pixels. The bytes are checked
    /// against the SHA-256 the daemon announced and audited.
    ///
    /// ```swift
    /// let shot = try await agent.capture(CaptureOptions(size: .box(width: 1280, height: 800), settle: CaptureSettle()))
    /// try await lease.click(at: shot.toDesktop(imageX: 640, imageY: 400))
    /// ```
    public func capture(lease: String? = nil, _ options: CaptureOptions = CaptureOptions()) async throws(InputMuxError) -> Screenshot {
        try await Self.capture(on: liveConnection(), lease: lease, options)
    }

    /// A capture request on `connection`, its reply read off the reader thread.
    static func capture(on connection: DaemonConnection, lease: String?, _ options: CaptureOptions) async throws(InputMuxError) -> Screenshot {
        let message = try ClientRequest.capture(lease: lease, options).json()
        let reply = try await connection.request(message, reply: { (r: DaemonReply) throws(InputMuxError) -> DaemonReply in r })
        return try Screenshot(reply: reply)
    }

    /// Sends any agent request as is (an `id` is added) and returns its `result`.
    public func request(_ message: JSON) async throws(InputMuxError) -> JSON {
        try await liveConnection().request(message)
    }

    /// Says bye: every lease ends and the session's devices go away.
    public func close() {
        let (connection, heartbeat) = state.withLock { s in
            s.closed = true
            return (s.connection, s.heartbeat)
        }
        heartbeat?.cancel()
        connection.close()
    }

    // MARK: - Connection

    /// The open connection, or a new session when it dropped and reconnecting is on.
    private func liveConnection() async throws(InputMuxError) -> DaemonConnection {
        let (current, closed) = state.withLock { ($0.connection, $0.closed) }
        if closed { throw InputMuxError(.connectionLost, "this client was closed; connect a new AgentClient") }
        guard let why = current.closedBy else { return current }
        guard options.reconnect else { throw why }
        return try await connecting.run { () async throws(InputMuxError) -> DaemonConnection in
            let latest = state.withLock { $0.connection }
            if latest.closedBy == nil { return latest }
            let holder = ClientHolder()
            holder.set(self)
            let (connection, session) = try await Self.open(socketPath: socketPath, name: name, holder: holder)
            let subscribers = state.withLock { s in
                s.connection = connection
                s.session = session
                s.cursor = nil
                return Array(s.subscribers.values)
            }
            for s in subscribers { s.yield(.reconnected(session)) }
            return connection
        }
    }

    /// The current connection (tests send raw requests on it).
    var currentConnection: DaemonConnection { state.withLock { $0.connection } }

    func noteCursor(_ p: Point, connection: DaemonConnection) {
        state.withLock { s in if s.connection === connection { s.cursor = p } }
    }

    private func startHeartbeat() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                guard let interval = self?.heartbeatInterval() else { return }
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                try? await self.heartbeat()
            }
        }
        state.withLock { $0.heartbeat = task }
    }

    private func heartbeatInterval() -> Duration {
        let ttls = leases.compactMap { $0.info.ttlMs }
        guard let shortest = ttls.min() else { return options.heartbeatInterval }
        return min(options.heartbeatInterval, .milliseconds(max(shortest / 3, 50)))
    }

    // MARK: - Events (on the reader thread)

    private func dispatch(_ event: DaemonEvent, from connection: DaemonConnection) {
        let (leases, subscribers): ([String: Lease], [AsyncStream<SessionEvent>.Continuation]) = state.withLock { s in
            s.connection === connection ? (s.leases, Array(s.subscribers.values)) : ([:], [])
        }
        var session: SessionEvent?
        switch event {
        case .granted(let info):
            leases[info.id]?.apply(.granted(info))
        case .revoked(let id, let reason), .ended(let id, let reason):
            leases[id]?.apply(.ended(reason))
            forget(id)
        case .leasePaused(let id, let reason):
            leases[id]?.apply(.leasePaused(reason))
        case .leaseResumed(let id):
            leases[id]?.apply(.leasePaused(nil))
        case .humanActive(let reason):
            for l in leases.values { l.apply(.sessionPaused(reason)) }
            session = .humanActive(reason)
        case .humanQuiet:
            for l in leases.values { l.apply(.sessionPaused(nil)) }
            session = .humanQuiet
        case .frozen(let reason):
            for l in leases.values { l.apply(.sessionPaused(reason)) }
            session = .frozen(reason)
        case .unfrozen:
            for l in leases.values { l.apply(.sessionPaused(nil)) }
            session = .unfrozen
        case .moved(let id, let r):
            leases[id]?.apply(.moved(r))
        case .desktop(let r, let devices):
            session = state.withLock { s -> SessionEvent? in
                guard s.connection === connection else { return nil }
                s.session.adopt(desktop: r, devices: devices)
                return .desktopChanged(s.session)
            }
        case .audit:
            break
        }
        if let session { for s in subscribers { s.yield(session) } }
    }

    func forget(_ id: String) {
        state.withLock { _ = $0.leases.removeValue(forKey: id) }
    }

    private func connectionClosed(_ connection: DaemonConnection, _ why: InputMuxError) {
        let (lost, subscribers, closedHere): ([Lease], [AsyncStream<SessionEvent>.Continuation], Bool) = state.withLock { s in
            let lost = s.leases.values.filter { $0.connection === connection }
            for l in lost { s.leases[l.id] = nil }
            return (Array(lost), s.closed ? [] : Array(s.subscribers.values), s.closed)
        }
        for l in lost {
            l.apply(.ended(closedHere
                ? Reason(code: .disconnected, message: "\(l.id) ended: this client closed its session")
                : Reason(code: .leaseLost,
                         message: "\(l.id) is gone: the connection to inputmuxd dropped (\(why.message)); the daemon ends every lease of a closed session, so acquire a new lease")))
        }
        for s in subscribers { s.yield(.disconnected(why)) }
    }
}
