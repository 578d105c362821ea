import InputMuxClient
import InputMuxRelay

/// What a `muxctl agent` lease asks for.
public struct LeaseOptions: Sendable, Equatable {
    /// nil: the whole desktop.
    public var region: Region?
    public var keyboard: Bool
    /// Answer now (denied when taken) instead of queueing.
    public var tryOnly: Bool
    /// How long to wait in the queue (wait mode); nil waits for good.
    public var timeout: Duration?
    public var ttl: Duration?

    public init(region: Region? = nil, keyboard: Bool = false, tryOnly: Bool = false, timeout: Duration? = nil, ttl: Duration? = nil) {
        self.region = region
        self.keyboard = keyboard
        self.tryOnly = tryOnly
        self.timeout = timeout
        self.ttl = ttl
    }
}

/// An agent session of muxctl: connect, lease, play gestures, with every failure turned
/// into a `CLIError` whose exit status tells denied, queue timeout, paused, revoked and
/// bad input apart.
public enum AgentSession {
    public static func connect(socketPath: String, name: String) async throws(CLIError) -> AgentClient {
        do {
            // One process, one session: a dropped connection ends the command, it does
            // not quietly open a new session with new devices.
            return try await AgentClient.connect(socketPath: socketPath, name: name, options: .init(reconnect: false))
        } catch {
            throw failure(error)
        }
    }

    /// Acquires and waits until the lease is active (queued or pending approval first).
    public static func acquire(_ client: AgentClient, _ o: LeaseOptions) async throws(CLIError) -> Lease {
        do {
            let lease = try await client.acquire(o.region, pointer: true, keyboard: o.keyboard,
                                                 mode: o.tryOnly ? .try : .wait(timeout: o.timeout), ttl: o.ttl)
            // The daemon ends a queued lease with queue_timeout; the client's own bound
            // (a little later) only guards against a silent daemon.
            try await lease.waitUntilActive(timeout: o.timeout.map { $0 + .seconds(2) })
            return lease
        } catch {
            throw failure(error)
        }
    }

    /// Plays one action; a refusal or the lease's end becomes the matching exit status.
    public static func perform(_ action: AgentAction, on lease: Lease) async throws(CLIError) {
        if case .ended(let why) = lease.state { throw CLIError.daemon(code: why.code.rawValue, message: why.message) }
        do {
            try await lease.perform(action.gesture)
        } catch {
            if case .ended(let why) = lease.state { throw CLIError.daemon(code: why.code.rawValue, message: why.message) }
            // The daemon no longer knows a lease this session was granted: it ended
            // (revoked, expired, reassigned) even if its event has not arrived yet.
            if error.code == .noLease || error.code == .unknownLease {
                throw CLIError(.revoked, "\(lease.id) has ended (revoked, expired or reassigned): \(error.message)", code: error.code.rawValue)
            }
            throw failure(error)
        }
    }

    public static func failure(_ e: InputMuxError) -> CLIError {
        CLIError.daemon(code: e.code.rawValue, message: e.message)
    }
}
