import Foundation
import InputMuxAuditTestSupport
import InputMuxCore
import Logging
import Testing

@testable import InputMuxAudit
@testable import InputMuxDaemon

/// When the audit writer must drop decisions (its queue is full), a chained record says
/// how many, and `muxctl audit verify` reports the gap (issue 15, audit flooding).
@Suite(.serialized) struct AuditDropTests {
    @Test func droppedDecisionsLeaveAChainedRecordThatVerifyReports() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        // A queue of 16: a burst of 5,000 decisions from this thread outruns the writer,
        // which rests between batches.
        let sink = try AuditSink(settings: auditSettings(path, maximumBytes: 1 << 28), logger: Logger(label: "test"),
                                 pendingLimit: 16)
        let count = 5_000
        for i in 1...count { sink.record(auditClick(i)) }
        sink.close()
        let entries = auditLines(path).compactMap { AuditLogEntry(line: $0, file: path) }
        let notes = entries.compactMap { AuditDropNote(action: $0.action, decision: $0.decision, message: $0.message) }
        let written = entries.filter { $0.action != AuditDropNote.action }.count
        #expect(!notes.isEmpty)
        // Every decision is either on disk or counted by a note.
        #expect(written + notes.reduce(0) { $0 + $1.dropped } == count, "\(written) written, notes \(notes)")
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact, "\(report)")
        #expect(report.droppedRecords == count - written)
        #expect(report.gaps.count == notes.count)
        #expect(report.sentence.contains("dropped before they could be written"), "\(report.sentence)")
    }

    @Test func aDropNoteReadsBackAndAForgedOneIsNotAGap() throws {
        let note = AuditDropNote(dropped: 120, backlog: 65_536)
        #expect(note.message == "audit records dropped: 120 (the writer fell 65536 records behind)")
        #expect(AuditDropNote(action: AuditDropNote.action, decision: "dropped", message: note.message) == note)
        #expect(AuditDropNote(action: "click", decision: "dropped", message: note.message) == nil)
        // Written through the log, it is a gap; edited afterwards, the chain breaks.
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path), logger: Logger(label: "test"))
        _ = try log.append(auditClick(1), wallTime: auditWallTime(1))
        _ = try log.append(note.event(time: .zero), wallTime: auditWallTime(2))
        _ = try log.append(auditClick(3), wallTime: auditWallTime(3))
        try log.close()
        let report = AuditLogReader.verify(path: path)
        #expect(report.isIntact && report.gaps == [AuditLogReport.Gap(sequence: 2, dropped: 120, file: path)], "\(report)")
        auditWriteFile(path, auditFileText(path).replacingOccurrences(of: "dropped: 120", with: "dropped: 12"))
        let edited = AuditLogReader.verify(path: path)
        #expect(!edited.isIntact)
        #expect(edited.gaps.isEmpty)
    }
}
