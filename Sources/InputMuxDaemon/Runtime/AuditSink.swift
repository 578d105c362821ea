import CInputMuxSys
import Foundation
import InputMuxAudit
import InputMuxConfiguration
import InputMuxCore
import Logging

/// Where the engine's audit decisions go: the hash-chained audit log on disk, which also
/// sends each record to swift-log (so `journalctl -u inputmuxd` shows them).
///
/// The engine thread only stamps the wall clock and queues the decision; a writer thread
/// of its own chains, hashes and writes it. So a request's reply, the next request and
/// every agent's paced frames never wait behind the audit's hashing, its writes or its
/// log lines. The loop wakes the writer once a turn's replies are written
/// (`wakeWriter`), so the writer's work does not compete with them either; records
/// queued without a wake are still written within `idleWake`. After each batch the
/// writer rests `batchGap` before it takes the next one: a lone decision is written at
/// once, while a busy daemon (a request every few hundred microseconds) wakes its
/// writer at most every `batchGap` instead of once per turn, so each wake-up, a context
/// switch that costs more than the records it writes, is shared by many records.
/// Records keep the engine's order. `close` writes everything queued before
/// the log is synced and closed (shutdown flushes the audit, DESIGN §6).
final class AuditSink: @unchecked Sendable {
    // @unchecked: `pending`, `dropped`, `closed` and `writerDone` are guarded by
    // `condition`. `log` and `failing` belong to the writer thread, and to `close` once
    // the writer has ended. `AuditLog` wants exactly that: one thread at a time, no lock.
    private let logger: Logger
    private let log: AuditLog
    let redactionKey: [UInt8]
    /// A write error is reported once, not once per decision, until writes work again.
    private var failing = false

    private let condition = NSCondition()
    private var pending: [(AuditEvent, WallTime)] = []
    private var dropped = 0
    private var closed = false
    private var writerDone = false
    /// The writer waits for records (not resting between batches): only then does
    /// `wakeWriter` signal it.
    private var writerWaiting = false
    private var batchCount = 0
    /// Batches the writer has taken so far (each one a wake-up of the writer).
    var batchesWritten: Int { condition.lock(); defer { condition.unlock() }; return batchCount }
    /// Decisions queued while the writer is stuck (a hung disk) before new ones are
    /// dropped, counted and reported, rather than the daemon's memory growing without end.
    static let maximumPending = 65_536

    init(settings: Configuration.AuditSettings, logger: Logger) throws {
        self.logger = logger
        // Fail closed: no start without the key (a readable key exposes typed secrets to
        // guessing) or without a log to write to.
        redactionKey = try AuditKey.loadOrCreate(at: settings.keyPath).bytes
        log = try AuditLog(settings: settings, logger: logger)
        Thread { [self] in writeQueued() }.start()
    }

    static let idleWake: TimeInterval = 0.1
    /// The writer's rest between two batches.
    static let batchGap: TimeInterval = 0.01

    /// Queues one decision (engine thread). Never blocks on the disk.
    func record(_ e: AuditEvent) {
        let stamped = (e, WallTime.now())
        condition.lock()
        if pending.count < Self.maximumPending {
            pending.append(stamped)
        } else {
            dropped += 1
        }
        condition.unlock()
    }

    /// Starts the writer on what is queued (engine thread, at the end of a turn).
    func wakeWriter() {
        condition.lock()
        if writerWaiting && (!pending.isEmpty || dropped > 0) { condition.signal() }
        condition.unlock()
    }

    /// Writes what is queued, then syncs and closes the log. Later records are dropped.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        while !writerDone { condition.wait() }
        condition.unlock()
        do { try log.close() } catch { logger.error("\(error.description)") }
    }

    /// How much lower than the process the writer runs (nice), two steps below the
    /// engine (7 under the unit): when it and the human's input, the engine or a client want the same CPU,
    /// the scheduler favours them; the writer still gets its share, so it keeps up.
    static let writerNiceOffset: Int32 = 17
    /// The writer thread's name (at most 15 characters: the kernel's limit).
    static let threadName = "inputmuxd audit"

    private func writeQueued() {
        _ = inputmux_name_this_thread(Self.threadName)
        if inputmux_lower_this_thread(Self.writerNiceOffset) != 0 {
            logger.debug("cannot lower the audit writer's priority", metadata: ["errno": "\(errno)"])
        }
        var batch: [(AuditEvent, WallTime)] = []
        while true {
            condition.lock()
            writerWaiting = true
            while pending.isEmpty && !closed { _ = condition.wait(until: Date(timeIntervalSinceNow: Self.idleWake)) }
            writerWaiting = false
            if pending.isEmpty {
                writerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            swap(&batch, &pending)
            batchCount += 1
            let lost = dropped
            dropped = 0
            condition.unlock()
            write(batch)
            batch.removeAll(keepingCapacity: true)
            if lost > 0 {
                logger.error("\(lost) audit records were dropped: the audit writer fell \(Self.maximumPending) records behind (is the disk under the audit log hung?)",
                             metadata: ["audit.path": .string(log.path), "audit.dropped": "\(lost)"])
            }
            // Rest before the next batch; `close` cuts the rest short.
            let rested = Date(timeIntervalSinceNow: Self.batchGap)
            condition.lock()
            while !closed && Date() < rested { _ = condition.wait(until: rested) }
            condition.unlock()
        }
    }

    private func write(_ batch: [(AuditEvent, WallTime)]) {
        var unwritten = 0
        log.append(batch: batch) { e, error in
            unwritten += 1
            self.unwritten(e, error)
        }
        if unwritten < batch.count, failing {
            failing = false
            logger.notice("audit log writable again", metadata: ["audit.path": .string(log.path)])
        }
    }

    /// A decision the log could not take. The engine's decision stands (the human's input
    /// must never stall on a full disk); the journal says which records are missing from
    /// the file.
    private func unwritten(_ e: AuditEvent, _ error: AuditLogError) {
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
