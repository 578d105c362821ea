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
/// (`wakeWriter`), so the writer takes a turn's decisions in one batch; records queued
/// without a wake are still written within `idleWake`. The writer runs at the engine
/// thread's priority (`AgentWork.niceOffset`): it is agent work, and the human's input
/// thread preempts it as it preempts the engine. The queue is bounded
/// (`maximumPending`): beyond it decisions are dropped, counted, and a chained record
/// stands in their place. Records keep the engine's order. `close` writes everything
/// queued before the log is synced and closed (shutdown flushes the audit, DESIGN §6).
final class AuditSink: @unchecked Sendable {
    // @unchecked: `pending`, `dropped`, `closed`, `writerDone`, `writerWaiting`,
    // `batchCount` and `writerThread` are guarded by `condition`. `log` and `failing`
    // belong to the writer thread, and to `close` once the writer has ended. `AuditLog`
    // wants exactly that: one thread at a time, no lock.
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
    /// The writer waits for records: only then does `wakeWriter` signal it.
    private var writerWaiting = false
    private var batchCount = 0
    /// The writer thread's kernel id, once it runs.
    private var writerThread: Int32 = 0
    /// Batches the writer has taken so far (each one a wake-up of the writer).
    var batchesWritten: Int { condition.lock(); defer { condition.unlock() }; return batchCount }
    /// Decisions queued while the writer is stuck (a hung disk) before new ones are
    /// dropped, counted and reported, rather than the daemon's memory growing without end.
    static let maximumPending = 65_536

    /// This sink's bound on queued decisions (`maximumPending` unless a test asks for less).
    let pendingLimit: Int

    init(settings: Configuration.AuditSettings, logger: Logger, pendingLimit: Int = AuditSink.maximumPending) throws {
        self.logger = logger
        self.pendingLimit = max(1, pendingLimit)
        // Fail closed: no start without the key (a readable key exposes typed secrets to
        // guessing) or without a log to write to.
        redactionKey = try AuditKey.loadOrCreate(at: settings.keyPath).bytes
        log = try AuditLog(settings: settings, logger: logger)
        Thread { [self] in writeQueued() }.start()
    }

    /// How long a record queued without `wakeWriter` may wait for the writer.
    static let idleWake: TimeInterval = 0.1

    /// Queues one decision (engine thread). Never blocks on the disk.
    func record(_ e: AuditEvent) {
        let stamped = (e, WallTime.now())
        condition.lock()
        if pending.count < pendingLimit {
            pending.append(stamped)
        } else {
            dropped += 1
        }
        condition.unlock()
    }

    /// The writer thread's kernel id (tests): nil before it runs.
    var writerThreadID: Int32? {
        condition.lock(); defer { condition.unlock() }
        return writerThread == 0 ? nil : writerThread
    }
    /// Records queued and not yet taken by the writer (tests).
    var backlog: Int { condition.lock(); defer { condition.unlock() }; return pending.count }

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

    /// The writer thread's name (at most 15 characters: the kernel's limit).
    static let threadName = "inputmuxd audit"

    private func writeQueued() {
        _ = inputmux_name_this_thread(Self.threadName)
        AgentWork.lowerThisThread(logger: logger, thread: Self.threadName)
        condition.lock()
        writerThread = inputmux_this_thread_id()
        condition.unlock()
        var batch: [(AuditEvent, WallTime)] = []
        while true {
            condition.lock()
            writerWaiting = true
            while pending.isEmpty && dropped == 0 && !closed {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Self.idleWake))
            }
            writerWaiting = false
            if pending.isEmpty && dropped == 0 {
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
            write(records: batch)
            if lost > 0 {
                // The dropped decisions came after this batch (the queue was full): a
                // chained record stands in their place, so `muxctl audit verify` reports
                // the gap and its size.
                let note = AuditDropNote(dropped: lost, backlog: pendingLimit)
                write(records: [(note.event(time: batch.last?.0.time ?? .zero), WallTime.now())])
                logger.error("\(lost) audit records were dropped: the audit writer fell \(pendingLimit) records behind (is the disk under the audit log hung?); the log records the gap",
                             metadata: ["audit.path": .string(log.path), "audit.dropped": "\(lost)"])
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func write(records batch: [(AuditEvent, WallTime)]) {
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
