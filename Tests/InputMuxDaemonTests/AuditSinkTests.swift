import Foundation
import InputMuxAuditTestSupport
import InputMuxCore
import Logging
import Testing

@testable import InputMuxAudit
@testable import InputMuxDaemon

/// The audit writer thread: the engine queues, the writer chains and writes, and close
/// leaves every queued decision on disk, in the engine's order, with the chain intact.
@Suite struct AuditSinkTests {
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

    /// The writer is agent work: it runs `AgentWork.niceOffset` below the process, as the
    /// engine thread does, in the ordinary scheduling class, so the human's input thread
    /// preempts it and it still always gets its share.
    @Test func theWriterRunsAtAgentWorksPriority() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path), logger: Logger(label: "test"))
        defer { sink.close() }
        let deadline = Date(timeIntervalSinceNow: 5)
        while sink.writerThreadID == nil && Date() < deadline { usleep(1_000) }
        let writer = try #require(sink.writerThreadID, "the audit writer thread did not start within 5 s")
        // The thread lowers itself right after it names itself; give it a moment.
        var stat: (nice: Int, policy: Int)?
        while Date() < deadline {
            stat = Self.niceAndPolicy(thread: writer)
            if let s = stat, s.nice != Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) { break }
            usleep(1_000)
        }
        let processNice = Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        let s = try #require(stat)
        #expect(s.nice == min(19, processNice + Int(AgentWork.niceOffset)), "writer at nice \(s.nice), process at \(processNice)")
        #expect(s.policy == 0, "the writer runs in scheduling policy \(s.policy), not SCHED_OTHER")
    }

    /// One wake of the writer takes everything a turn queued in one batch: a turn's
    /// decisions cost one wake-up of the writer, not one each.
    @Test func oneWakeTakesATurnsDecisionsInOneBatch() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let sink = try AuditSink(settings: auditSettings(path), logger: Logger(label: "test"))
        // Let the writer settle into waiting, so the turn below finds it waiting.
        let deadline = Date(timeIntervalSinceNow: 5)
        while sink.writerThreadID == nil && Date() < deadline { usleep(1_000) }
        usleep(20_000)
        let before = sink.batchesWritten
        for i in 1...500 { sink.record(auditClick(i)) }
        sink.wakeWriter()
        while auditLines(path).count < 500 && Date() < deadline { usleep(2_000) }
        sink.close()
        #expect(auditLines(path).count == 500)
        // One batch for the wake; a second only if the writer's own idle wake fell inside
        // the turn.
        #expect(sink.batchesWritten - before <= 2, "\(sink.batchesWritten - before) batches for one turn")
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact && report.verifiedRecords == 500, "\(report)")
    }

    /// Fields 19 (nice) and 41 (policy) of /proc/self/task/TID/stat: after "pid (comm) "
    /// they are the 17th and 39th.
    static func niceAndPolicy(thread: Int32) -> (nice: Int, policy: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .utf8) else { return nil }
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 38, let nice = Int(fields[16]), let policy = Int(fields[38]) else { return nil }
        return (nice, policy)
    }
}
