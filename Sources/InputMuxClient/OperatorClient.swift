import InputMuxWire
import Synchronization

/// One audit decision streamed by `monitor`: what an agent tried, and what the daemon
/// decided and why.
public struct AuditRecord: Sendable, Hashable, WireObjectDecodable {
    public var timeMs: Int
    public var action: String
    /// `allowed`, `rejected`, …
    public var decision: String
    public var reason: String?
    public var message: String
    public var points: [[Int]]
    public var agent: Identity?
    public var lease: String?
    /// Typed text appears only as its length and keyed hash.
    public var text: RedactedText?
    /// A capture's facts (`action` `capture`, made): never the image, its SHA-256.
    public var capture: CaptureFacts?

    public struct CaptureFacts: Sendable, Hashable, WireObjectDecodable {
        /// The desktop rectangle shown.
        public var rect: Region
        public var width: Int
        public var height: Int
        public var format: String
        public var bytes: Int
        public var sha256: String
        public var settleMs: Int
        /// Present when settling was asked: whether the area settled.
        public var settled: Bool?

        public init(fields f: JSONFields) throws(WireError) {
            rect = try f.decode("rect")
            width = try f.decode("width")
            height = try f.decode("height")
            format = try f.string("format")
            bytes = try f.decode("bytes")
            sha256 = try f.string("sha256")
            settleMs = try f.optional("settle_ms") ?? 0
            settled = try f.bool("settled")
        }
    }

    public struct RedactedText: Sendable, Hashable, WireObjectDecodable {
        public var length: Int
        public var hmac: String

        public init(fields f: JSONFields) throws(WireError) {
            length = try f.decode("length")
            hmac = try f.string("hmac")
        }
    }

    public init(fields f: JSONFields) throws(WireError) {
        timeMs = try f.decode("time_ms")
        action = try f.string("action")
        decision = try f.string("decision")
        reason = try f.optionalString("reason")
        message = try f.string("message")
        points = try f.decode("points")
        agent = try f.optional("agent")
        lease = try f.optionalString("lease")
        text = try f.optional("text")
        capture = try f.optional("capture")
    }
}

/// What the control socket's hello reply told an operator.
public struct OperatorInfo: Sendable, Hashable {
    public var protocolVersion: Int
    public var operatorID: Int
    public var desktop: Region
    public var devices: [StatusReport.DeviceSummary]

    /// Reads the control socket's hello reply (the protocol contract test feeds it the
    /// daemon's).
    package init(hello: JSON) throws(InputMuxError) {
        guard let desktop = try? hello["desktop"].decode(Region.self) else {
            throw InputMuxError(.protocolViolation, "the control hello reply lacks the desktop: \(hello)")
        }
        self.init(protocolVersion: hello["protocol"].int ?? 1, operatorID: hello["operator"].int ?? 0, desktop: desktop,
                  devices: (try? hello["devices"].decode([StatusReport.DeviceSummary].self)) ?? [])
    }

    public init(protocolVersion: Int, operatorID: Int, desktop: Region, devices: [StatusReport.DeviceSummary]) {
        self.protocolVersion = protocolVersion
        self.operatorID = operatorID
        self.desktop = desktop
        self.devices = devices
    }
}

/// An operator on inputmuxd's control socket (what `muxctl` speaks): status, lease
/// verbs, unfreeze after a panic, and the live stream of audit decisions.
public final class OperatorClient: Sendable {
    public static let defaultSocketPath = "/run/inputmux/control.sock"

    public let connection: DaemonConnection
    public let info: OperatorInfo
    private let audit: Mutex<[Int: AsyncStream<AuditRecord>.Continuation]>

    private init(connection: DaemonConnection, info: OperatorInfo) {
        self.connection = connection
        self.info = info
        audit = Mutex([:])
    }

    /// Connects and says hello. Needs root or the configured admin group.
    public static func connect(socketPath: String = defaultSocketPath) async throws(InputMuxError) -> OperatorClient {
        let connection = try DaemonConnection(path: socketPath, role: .control)
        let router = AuditRouter()
        connection.start(onEvent: { router.deliver($0) }, onClose: { _ in router.finish() })
        do throws(InputMuxError) {
            let hello = try await connection.request(.hello(name: nil))
            let info = try OperatorInfo(hello: hello)
            let client = OperatorClient(connection: connection, info: info)
            router.set(client)
            return client
        } catch {
            connection.close()
            throw error
        }
    }

    /// Routes events from the reader thread to the client without keeping it alive.
    private final class AuditRouter: Sendable {
        private struct Ref { weak var client: OperatorClient? }
        private let ref = Mutex(Ref())
        func set(_ client: OperatorClient) { ref.withLock { $0.client = client } }
        func deliver(_ event: DaemonEvent) { ref.withLock { $0.client }?.deliver(event) }
        func finish() { ref.withLock { $0.client }?.finishMonitors() }
    }

    public func status() async throws(InputMuxError) -> StatusReport {
        try await statusJSON().decode(StatusReport.self)
    }

    public func statusJSON() async throws(InputMuxError) -> JSON {
        try await connection.request(.status)
    }

    public func revoke(_ lease: String) async throws(InputMuxError) { try await verb(.revoke, lease) }
    public func pause(_ lease: String) async throws(InputMuxError) { try await verb(.pause, lease) }
    public func resume(_ lease: String) async throws(InputMuxError) { try await verb(.resume, lease) }
    /// Grants a lease waiting in `pending_approval` (a sensitive region).
    public func approve(_ lease: String) async throws(InputMuxError) { try await verb(.approve, lease) }
    public func deny(_ lease: String) async throws(InputMuxError) { try await verb(.deny, lease) }

    /// Approves `lease` and, with `capture`, captures of the sensitive regions it shows
    /// (`muxctl approve L7 --capture`).
    public func approve(_ lease: String, capture: Bool) async throws(InputMuxError) {
        guard capture else { return try await approve(lease) }
        _ = try await connection.request(.approveCapture(lease: lease))
    }

    /// What any held lease shows, as its holder would see it (the cursor drawn is the
    /// holder's); audited with this operator.
    public func capture(lease: String, _ options: CaptureOptions = CaptureOptions()) async throws(InputMuxError) -> Screenshot {
        try await AgentClient.capture(on: connection, lease: lease, options)
    }

    /// Moves a held lease to another session.
    public func reassign(_ lease: String, to session: Int) async throws(InputMuxError) {
        _ = try await connection.request(.reassign(lease: lease, to: session))
    }

    /// Lets agents act again after the panic chord froze them.
    public func unfreeze() async throws(InputMuxError) {
        _ = try await connection.request(.unfreeze)
    }

    /// Sends any control request as is (an `id` is added) and returns its `result`.
    public func request(_ message: JSON) async throws(InputMuxError) -> JSON {
        try await connection.request(message)
    }

    private func verb(_ type: RequestType, _ lease: String) async throws(InputMuxError) {
        _ = try await connection.request(.leaseVerb(type, lease: lease))
    }

    /// Every audit decision from now on, as raw JSON lines are decoded. The stream ends
    /// when the connection closes.
    public func monitor() async throws(InputMuxError) -> AsyncStream<AuditRecord> {
        let (stream, continuation) = AsyncStream<AuditRecord>.makeStream(bufferingPolicy: .unbounded)
        let token = audit.withLock { a in
            let t = (a.keys.max() ?? 0) + 1
            a[t] = continuation
            return t
        }
        continuation.onTermination = { [weak self] _ in self?.audit.withLock { _ = $0.removeValue(forKey: token) } }
        do throws(InputMuxError) {
            _ = try await connection.request(.monitor)
        } catch {
            continuation.finish()
            throw error
        }
        return stream
    }

    private func deliver(_ event: DaemonEvent) {
        guard case .audit(let record) = event else { return }
        for c in audit.withLock({ Array($0.values) }) { c.yield(record) }
    }

    private func finishMonitors() {
        for c in audit.withLock({ Array($0.values) }) { c.finish() }
    }

    public func close() { connection.close() }
}
