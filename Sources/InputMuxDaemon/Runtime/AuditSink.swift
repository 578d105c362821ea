import InputMuxCore
import Logging

/// Where the engine's audit decisions go: the hash-chained audit log on disk, which also
/// sends each record to swift-log (so `journalctl -u inputmuxd` shows them).
final class AuditSink: @unchecked Sendable {
    // @unchecked: `record` is called from the engine thread only; `close` after it stopped.
    // That is also what `AuditLog` requires (one thread, no lock).
    private let logger: Logger
    private let log: AuditLog
    let redactionKey: [UInt8]
    /// A write error is reported once, not once per decision, until writes work again.
    private var failing = false

    init(settings: Configuration.AuditSettings, logger: Logger) throws {
        self.logger = logger
        // Fail closed: no start without the key (a readable key exposes typed secrets to
        // guessing) or without a log to write to.
        redactionKey = try AuditKey.loadOrCreate(at: settings.keyPath).bytes
        log = try AuditLog(settings: settings, logger: logger)
    }

    func record(_ e: AuditEvent) {
        do {
            try log.append(e)
            if failing {
                failing = false
                logger.notice("audit log writable again", metadata: ["audit.path": .string(log.path)])
            }
        } catch {
            // The engine's decision stands (the human's input must never stall on a full
            // disk); the journal says which records are missing from the file.
            if !failing {
                logger.error("\(error.description)", metadata: ["audit.path": .string(log.path), "audit.error": .string(error.code.rawValue)])
            }
            failing = true
            // The decision still reaches the journal, marked as missing from the file.
            var meta: Logger.Metadata = ["audit.action": .string(e.action), "audit.decision": .string(e.decision.rawValue),
                                         "audit.unwritten": "true"]
            if let i = e.identity { meta["session.id"] = "\(i.session)"; meta["session.name"] = .string(i.name) }
            if let l = e.lease { meta["lease.id"] = "\(l)" }
            logger.warning("\(e.message.isEmpty ? e.action : e.message)", metadata: meta)
        }
    }

    func close() {
        do { try log.close() } catch { logger.error("\(error.description)") }
    }
}
