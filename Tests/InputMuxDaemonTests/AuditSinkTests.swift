import CInputMuxShim
import Foundation
import InputMuxCore
import Logging
import Testing

@testable import InputMuxAudit
@testable import InputMuxDaemon

/// The audit writer thread: the engine queues, the writer chains and writes, and close
/// leaves every queued decision on disk, in the engine's order, with the chain intact.
/// One test at a time: some keep a CPU busy on purpose, and the others' deadlines should
/// not pay for it.
@Suite(.serialized) struct AuditSinkTests {
    @Test func everyQueuedDecisionIsOnDiskInOrderAfterClose() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path, maximumBytes: 1 << 28), logger: Logger(label: "test"))
        let count = 5_000
        // The test's thread plays the engine thread; the sink's own thread writes.
        for i in 1...count { sink.record(auditClick(i)) }
        sink.close()
        let lines = auditLines(path)
        try #require(lines.count == count)
        let entries = lines.compactMap { AuditLogEntry(line: $0, file: path) }
        try #require(entries.count == count)
        #expect(entries.map(\.sequence) == Array(1...UInt64(count)))
        #expect(entries.map(\.message) == (1...count).map { "click \($0)" })
        #expect(entries.allSatisfy { $0.agent == "alice" || $0.agent == "bob" })
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact && report.verifiedRecords == count, "\(report)")
    }

    @Test func queuedDecisionsReachTheDiskWhileTheDaemonRuns() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path), logger: Logger(label: "test"))
        defer { sink.close() }
        // Woken at the end of a turn, as the loop does …
        sink.record(auditClick(1))
        sink.wakeWriter()
        // … or, without a wake, on the writer's own idle wake.
        sink.record(auditClick(2))
        let deadline = Date(timeIntervalSinceNow: 5)
        while auditLines(path).count < 2 && Date() < deadline { usleep(5_000) }
        #expect(auditLines(path).count == 2)
    }

    /// The writer runs in schedIdle (a request's thread preempts it at once); a backlog
    /// of `catchUpBacklog` records makes it an ordinary thread until it has caught up.
    @Test func theWriterIsIdleClassAndCatchesUpAsAnOrdinaryThread() throws {
        let schedIdle: Int32 = 5  // SCHED_IDLE in <linux/sched.h>; Glibc hides it without _GNU_SOURCE
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let (sink, tid) = try Self.runningSink(path)
        defer { sink.close() }
        #expect(sched_getscheduler(tid) == schedIdle)
        // A trickle never needs catching up.
        for i in 1...50 {
            sink.record(auditClick(i))
            sink.wakeWriter()
            usleep(1_000)
        }
        #expect(sink.catchUpCount == 0)
        // A burst far larger than the writer takes between two rests.
        for i in 51...(50 + 4 * AuditSink.catchUpBacklog) { sink.record(auditClick(i)) }
        sink.wakeWriter()
        #expect(sink.catchUpCount >= 1)
        // Generous: it only runs out when the writer never catches up, and other tests'
        // processes may share the CPUs meanwhile.
        let deadline = Date(timeIntervalSinceNow: 30)
        while (sink.backlog > 0 || sched_getscheduler(tid) != schedIdle) && Date() < deadline { usleep(2_000) }
        #expect(sink.backlog == 0)
        #expect(sched_getscheduler(tid) == schedIdle, "the writer went back to SCHED_IDLE once it caught up")
        #expect(auditLines(path).count == 50 + 4 * AuditSink.catchUpBacklog)
    }

    @Test func aBusyLoopSharesEachWakeOfTheWriterAcrossManyRecords() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path), logger: Logger(label: "test"))
        // A record and a wake every millisecond or so, as turns of a busy loop would.
        let began = Date()
        for i in 1...200 {
            sink.record(auditClick(i))
            sink.wakeWriter()
            usleep(1_000)
        }
        let deadline = Date(timeIntervalSinceNow: 5)
        while auditLines(path).count < 200 && Date() < deadline { usleep(2_000) }
        let elapsed = Date().timeIntervalSince(began)
        sink.close()
        #expect(auditLines(path).count == 200)
        // The writer rests `batchGap` after every batch, so it took at most one batch per
        // gap (plus the first), not one per wake.
        let bound = Int(elapsed / AuditSink.batchGap) + 2
        #expect(sink.batchesWritten <= bound, "\(sink.batchesWritten) batches in \(elapsed) s")
        #expect(sink.batchesWritten <= 100, "\(sink.batchesWritten) batches for 200 wakes")
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact && report.verifiedRecords == 200, "\(report)")
    }
    /// A batch is written in slices that each fit `sliceBudget`, with the CPU yielded in
    /// between, so the writer never keeps a CPU for the whole of a large batch; the
    /// records still land in order with the chain intact.
    @Test func aLargeBatchIsWrittenInSlices() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path, maximumBytes: 1 << 28), logger: Logger(label: "test"))
        let count = 3_000
        for i in 1...count { sink.record(auditClick(i)) }
        sink.wakeWriter()
        let deadline = Date(timeIntervalSinceNow: 10)
        while auditLines(path).count < count && Date() < deadline { usleep(2_000) }
        sink.close()
        // 3000 records cost far more than one slice's budget, even at a few µs each.
        #expect(sink.slicesWritten > sink.batchesWritten, "\(sink.slicesWritten) slices for \(sink.batchesWritten) batches")
        let entries = auditLines(path).compactMap { AuditLogEntry(line: $0, file: path) }
        #expect(entries.map(\.sequence) == Array(1...UInt64(count)))
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact && report.verifiedRecords == count, "\(report)")
    }
    /// A sink writing to `path`, once its writer thread runs, and that thread's id.
    static func runningSink(_ path: String) throws -> (AuditSink, Int32) {
        let sink = try AuditSink(settings: auditSettings(path, maximumBytes: 1 << 28), logger: Logger(label: "test"))
        let deadline = Date(timeIntervalSinceNow: 5)
        while sink.writerThreadID == nil && Date() < deadline { usleep(1_000) }
        guard let writer = sink.writerThreadID else {
            sink.close()
            throw AuditTestFailure("the audit writer thread did not start within 5 s")
        }
        return (sink, writer)
    }

    /// A thread at nice 0 keeping one CPU busy until `end`, with the audit writer pinned
    /// to that CPU beside it, as a machine under full load would leave it: a SCHED_IDLE
    /// thread then gets almost no CPU at all. One CPU only, so the tests of other suites
    /// that run meanwhile keep the rest. Returns once the spinner spins.
    final class Spinner: @unchecked Sendable {
        // @unchecked: `stop` and `started` are guarded by `lock`.
        private var stop = false
        private var started = false
        private let lock = NSLock()
        private let writer: Int32
        static let cpu: Int32 = 0
        init(seconds: Double, beside writer: Int32) throws {
            self.writer = writer
            guard inputmux_set_thread_cpu(writer, Self.cpu) == 0 else {
                throw AuditTestFailure("cannot pin the audit writer to CPU \(Self.cpu): errno \(errno)")
            }
            let until = Date(timeIntervalSinceNow: seconds)
            Thread { [self] in
                _ = inputmux_set_thread_cpu(0, Self.cpu)
                lock.withLock { started = true }
                while Date() < until && !lock.withLock({ stop }) { for _ in 0..<10_000 { _ = 0 } }
            }.start()
            while !lock.withLock({ started }) { usleep(1_000) }
        }
        func end() {
            lock.withLock { stop = true }
            _ = inputmux_set_thread_cpu(writer, -1)
        }
    }

    /// Under full load an idle-class writer may never run: records that wait a second,
    /// far fewer than `catchUpBacklog`, make it catch up as an ordinary thread, so they
    /// reach the disk.
    @Test func recordsWaitingASecondOnBusyCPUsAreWritten() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let (sink, writer) = try Self.runningSink(path)
        defer { sink.close() }
        let spinner = try Spinner(seconds: 60, beside: writer)
        defer { spinner.end() }
        let began = Date()
        for i in 1...200 { sink.record(auditClick(i)) }
        // The loop's turns: each ends with a wake of the writer.
        let deadline = Date(timeIntervalSinceNow: 30)
        while auditLines(path).count < 200 && Date() < deadline {
            sink.wakeWriter()
            usleep(50_000)
        }
        let took = Date().timeIntervalSince(began)
        #expect(auditLines(path).count == 200, "records still waiting after 30 s beside a busy thread")
        // Written within a second, the records never needed it; any later, the writer
        // must have left SCHED_IDLE to write them.
        if took > 1.2 {
            #expect(sink.catchUpCount >= 1, "the records waited \(took) s and the writer never caught up")
        }
    }

    /// A stop under full load writes every queued record at once: `close` makes an
    /// idle-class writer an ordinary thread first.
    @Test func closeOnBusyCPUsWritesEverythingPromptly() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let (sink, writer) = try Self.runningSink(path)
        let spinner = try Spinner(seconds: 60, beside: writer)
        defer { spinner.end() }
        // Fewer than `catchUpBacklog`, and no wake: nothing but `close` lifts the writer.
        let count = AuditSink.catchUpBacklog - 24
        for i in 1...count { sink.record(auditClick(i)) }
        let began = Date()
        sink.close()
        let took = Date().timeIntervalSince(began)
        #expect(auditLines(path).count == count)
        #expect(sink.catchUpCount >= 1, "close left the writer in SCHED_IDLE")
        #expect(took < 30, "close took \(took) s beside a busy thread")
    }
}

struct AuditTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
