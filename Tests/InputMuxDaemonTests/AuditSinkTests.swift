import Foundation
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

    @Test func theWriterRunsAtALowerPriorityThanTheEngine() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let sink = try AuditSink(settings: auditSettings(dir.file("audit.jsonl")), logger: Logger(label: "test"))
        defer { sink.close() }
        // The writer's thread, found by its name; its nice value is field 19 of its stat.
        let processNice = Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        var nice: Int?
        let deadline = Date(timeIntervalSinceNow: 5)
        while nice == nil && Date() < deadline {
            for tid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
                guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
                      stat.contains("(inputmuxd audit)"), let close = stat.lastIndex(of: ")") else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                // fields[0] is field 3 (state); nice is field 19.
                if fields.count > 16, let n = Int(fields[16]), n != processNice { nice = n }
            }
            if nice == nil { usleep(10_000) }
        }
        #expect(nice == Int(AuditSink.writerNiceOffset) + processNice)
    }
}
