import CInputMuxSys
import Foundation
import InputMuxAudit
import InputMuxConfiguration
import InputMuxCore
import InputMuxLinux
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
/// The writer runs in the SCHED_IDLE class: it writes when a CPU has nothing else to do,
/// and the engine thread, woken by the next request, preempts it at once instead of
/// waiting out its time slice. When the CPUs stay busy and `catchUpBacklog` records wait,
/// or records have waited `catchUpAge`, it runs as an ordinary thread (nice
/// `writerNiceOffset` below the process) until at most `restBacklog` are left, so it
/// always keeps up; `close` makes it one too, for the last records.
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
    /// The writer thread's kernel id, once it runs.
    private var writerThread: Int32 = 0
    /// Whether the writer is in the SCHED_IDLE class now, or catching up as an ordinary thread.
    private var writerIdle = false
    private var writerCatchingUp = false
    private var catchUps = 0
    /// Records waiting that make an idle-class writer an ordinary thread, and how few
    /// must be left before it goes back.
    static let catchUpBacklog = 1024
    static let restBacklog = 64
    /// How long a record may wait for an idle CPU before the writer catches up anyway
    /// (checked at the end of each of the loop's turns, at least once a second).
    static let catchUpAge: Duration = .seconds(1)
    /// Since when records have been waiting to be written, queued or in the writer's
    /// hands (with `condition` held; nil when all are written).
    private var unwrittenSince: Instant?
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

    static let idleWake: TimeInterval = 0.1
    /// The writer's rest between two batches.
    static let batchGap: TimeInterval = 0.01

    /// Queues one decision (engine thread). Never blocks on the disk.
    func record(_ e: AuditEvent) {
        let stamped = (e, WallTime.now())
        condition.lock()
        if pending.count < pendingLimit {
            if unwrittenSince == nil { unwrittenSince = MonotonicClock.now() }
            pending.append(stamped)
        } else {
            dropped += 1
        }
        if pending.count >= Self.catchUpBacklog { catchUp() }
        condition.unlock()
    }

    /// Makes an idle-class writer an ordinary thread until it has caught up (with
    /// `condition` held).
    private func catchUp() {
        guard writerIdle, !writerCatchingUp else { return }
        writerCatchingUp = true
        catchUps += 1
        setWriterIdle(false)
    }

    /// The writer thread's kernel id (tests): nil before it runs.
    var writerThreadID: Int32? {
        condition.lock(); defer { condition.unlock() }
        return writerThread == 0 ? nil : writerThread
    }
    /// How often the writer left SCHED_IDLE to catch up (tests).
    var catchUpCount: Int { condition.lock(); defer { condition.unlock() }; return catchUps }
    /// Records queued and not yet taken by the writer (tests).
    var backlog: Int { condition.lock(); defer { condition.unlock() }; return pending.count }

    /// Moves the writer in or out of SCHED_IDLE (with `condition` held).
    private func setWriterIdle(_ idle: Bool) {
        if inputmux_set_thread_idle(writerThread, idle ? 1 : 0, Self.writerNiceOffset) != 0 {
            logger.debug("cannot change the audit writer's scheduling class", metadata: ["idle": "\(idle)", "errno": "\(errno)"])
        }
    }

    /// Starts the writer on what is queued (engine thread, at the end of a turn).
    func wakeWriter() {
        condition.lock()
        // Busy CPUs have kept an idle-class writer off them for too long.
        if let since = unwrittenSince, MonotonicClock.now() - since >= Self.catchUpAge { catchUp() }
        if writerWaiting && (!pending.isEmpty || dropped > 0) { condition.signal() }
        condition.unlock()
    }

    /// Writes what is queued, then syncs and closes the log. Later records are dropped.
    func close() {
        condition.lock()
        closed = true
        // The last records go out now, not when a CPU happens to be idle.
        catchUp()
        condition.signal()
        while !writerDone { condition.wait() }
        condition.unlock()
        do { try log.close() } catch { logger.error("\(error.description)") }
    }

    /// How much lower than the process the writer runs (nice) while it catches up, or
    /// where SCHED_IDLE is refused: two steps below the engine (7 under the unit). The
    /// scheduler favours the human's input, the engine and clients, and the writer still
    /// gets its share.
    static let writerNiceOffset: Int32 = 17
    /// The writer thread's name (at most 15 characters: the kernel's limit).
    static let threadName = "inputmuxd audit"

    private func writeQueued() {
        _ = inputmux_name_this_thread(Self.threadName)
        let tid = inputmux_this_thread_id()
        // Sets the writer's nice value first, so a refused SCHED_IDLE still leaves it lowered.
        let idle = inputmux_set_thread_idle(tid, 1, Self.writerNiceOffset) == 0
        let failure = errno
        condition.lock()
        (writerThread, writerIdle) = (tid, idle)
        condition.unlock()
        if !idle {
            logger.debug("cannot put the audit writer in SCHED_IDLE", metadata: ["errno": "\(failure)"])
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
            if lost > 0 {
                // The dropped decisions came after this batch (the queue was full): a
                // chained record stands in their place, so `muxctl audit verify` reports
                // the gap and its size.
                let note = AuditDropNote(dropped: lost, backlog: pendingLimit)
                write(slice: [(note.event(time: batch.last?.0.time ?? .zero), WallTime.now())])
            }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            // What was queued meanwhile has waited since about now.
            unwrittenSince = pending.isEmpty ? nil : MonotonicClock.now()
            if writerCatchingUp, !closed, pending.count <= Self.restBacklog {
                writerCatchingUp = false
                setWriterIdle(true)
            }
            condition.unlock()
            if lost > 0 {
                logger.error("\(lost) audit records were dropped: the audit writer fell \(pendingLimit) records behind (is the disk under the audit log hung?); the log records the gap",
                             metadata: ["audit.path": .string(log.path), "audit.dropped": "\(lost)"])
            }
            // Rest before the next batch; `close` cuts the rest short.
            let rested = Date(timeIntervalSinceNow: Self.batchGap)
            condition.lock()
            while !closed && Date() < rested { _ = condition.wait(until: rested) }
            condition.unlock()
        }
    }

    /// The longest the writer means to keep a CPU before it yields it, and its running
    /// estimate of what one record costs (writer thread only). Chaining, hashing and
    /// logging a record takes about 10 µs on a desktop CPU but a few hundred in the TCG
    /// guest; a batch of dozens written in one go would keep a CPU for milliseconds.
    /// SCHED_IDLE does not stop that: a thread that wakes finds the CPU preempted at once,
    /// but one that the scheduler queued beside the writer can wait for the next tick
    /// (4 ms at HZ=250). So the writer takes a batch in slices that fit `sliceBudget`
    /// and, in SCHED_IDLE, yields between them.
    static let sliceBudget: Duration = .microseconds(200)
    private var recordCost: Duration = .microseconds(20)
    private var slices = 0
    /// Slices written so far (tests): at least one per batch.
    var slicesWritten: Int { condition.lock(); defer { condition.unlock() }; return slices }

    private func write(_ batch: [(AuditEvent, WallTime)]) {
        var start = 0
        while start < batch.count {
            let fits = Int(Self.sliceBudget.nanosecondCount / max(1, recordCost.nanosecondCount))
            let end = start + max(1, min(batch.count - start, fits))
            let began = MonotonicClock.now()
            write(slice: Array(batch[start..<end]))
            // A running estimate, weighted toward the latest slice.
            recordCost = (recordCost * 3 + (MonotonicClock.now() - began) / (end - start)) / 4
            condition.lock()
            slices += 1
            // Catching up, the writer competes as an ordinary thread on purpose: a yield
            // would hand each busy CPU's full time slice to others before its next slice.
            let yields = writerIdle && !writerCatchingUp
            condition.unlock()
            start = end
            if yields && start < batch.count { sched_yield() }
        }
    }

    private func write(slice batch: [(AuditEvent, WallTime)]) {
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
