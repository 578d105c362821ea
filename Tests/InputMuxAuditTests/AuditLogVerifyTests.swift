import Foundation
import Glibc
import InputMuxAuditTestSupport
import InputMuxCore
import Testing

@testable import InputMuxAudit

/// Tampering with a log on disk, and what `muxctl audit verify` says about it.
@Suite struct AuditLogVerifyTests {
    /// A log of `count` clicks, by default rotated into files of at most 1500 bytes (two or
    /// three records each) of which rotation keeps 8; returns its final head.
    func writeLog(_ path: String, maximumBytes: Int = 1500, keepFiles: Int = 8, count: Int = 24) throws -> AuditChain.Head {
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: maximumBytes, keepFiles: keepFiles))
        for i in 1...count { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        return log.head
    }

    @Test func oneChangedByteIsFoundWithItsSequenceFileAndLine() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let head = try writeLog(path)
        let file = path + ".1"
        var lines = auditLines(file)
        let target = try #require(AuditEnvelope(lines[1]))
        // One byte: "click" → "Click" in the message.
        let original = lines[1]
        lines[1] = original.replacingOccurrences(of: "\"message\":\"click", with: "\"message\":\"Click")
        #expect(lines[1] != original)
        #expect(lines[1].utf8.count == original.utf8.count)
        auditWriteFile(file, lines.joined(separator: "\n") + "\n")

        let report = AuditLogReader.verify(path: path, expectedHead: head)
        #expect(report.problems == [.chain(.modified(sequence: target.sequence), file: file, line: 2)])
        #expect(report.firstBadSequence == target.sequence)
        #expect(report.sentence.contains("NOT intact from record \(target.sequence) on"))
        #expect(report.sentence.contains("\(file) line 2: record \(target.sequence) was modified"))
        #expect(report.verifiedRecords < Int(head.nextSequence - 1))
    }

    @Test func flippedByteInsideATextFieldIsFound() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let head = try writeLog(path, maximumBytes: 1 << 20, count: 3)
        var bytes = Array(auditFileText(path).utf8)
        let lines = auditLines(path)
        // "click 2" → "click 3" in the second line's message: same length, one byte.
        let offset = lines[0].utf8.count + 1 + Array(lines[1].utf8).firstRange(of: Array("click 2".utf8))!.upperBound - 1
        bytes[offset] = UInt8(ascii: "3")
        auditWriteFile(path, String(decoding: bytes, as: UTF8.self))
        let report = AuditLogReader.verify(path: path, expectedHead: head)
        #expect(report.firstBadSequence == 2)
        #expect(report.problems.first == .chain(.modified(sequence: 2), file: path, line: 2))
    }

    @Test func deletedMiddleRotatedFileIsFound() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let head = try writeLog(path)
        #expect(try AuditLogFiles(path: path).rotatedNumbers().count >= 3)
        let lostFirst = try #require(AuditEnvelope(auditLines(path + ".2")[0])).sequence
        let after = try #require(AuditEnvelope(auditLines(path + ".1")[0])).sequence
        unlink(path + ".2")

        let report = AuditLogReader.verify(path: path, expectedHead: head)
        #expect(report.problems.contains(.missingFile(path + ".2")))
        #expect(report.problems.contains(.chain(.outOfSequence(expected: lostFirst, found: after), file: path + ".1", line: 1)))
        #expect(report.firstBadSequence == lostFirst)

        // Renumbering the files to hide the gap does not hide the missing records.
        let numbers = try AuditLogFiles(path: path).rotatedNumbers()
        for n in numbers where n > 2 { try AuditFileIO.rename(path + ".\(n)", path + ".\(n - 1)") }
        let renumbered = AuditLogReader.verify(path: path, expectedHead: head)
        #expect(!renumbered.problems.contains(.missingFile(path + ".2")))
        #expect(renumbered.firstBadSequence == lostFirst)
    }

    @Test func cutTailIsFoundAgainstTheHeadAndOtherwiseSaidToBeUnchecked() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let head = try writeLog(path, maximumBytes: 1 << 20, count: 6)
        let lines = auditLines(path)
        auditWriteFile(path, lines.dropLast(2).joined(separator: "\n") + "\n")

        let checked = AuditLogReader.verify(path: path, expectedHead: head)
        #expect(checked.problems == [.chain(.truncated(firstMissing: head.nextSequence - 2), file: path, line: nil)])
        #expect(checked.sentence.contains("truncated"))

        let unchecked = AuditLogReader.verify(path: path)
        #expect(unchecked.isIntact)
        #expect(!unchecked.endChecked)
        #expect(unchecked.sentence.contains("not compared with the daemon's head"))
    }

    @Test func cutInTheMiddleOfALineIsFoundEvenWithoutTheHead() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        _ = try writeLog(path, maximumBytes: 1 << 20, count: 4)
        let text = auditFileText(path)
        auditWriteFile(path, String(text.dropLast(30)))
        let report = AuditLogReader.verify(path: path)
        #expect(report.problems == [.chain(.malformed(line: 4, expectedSequence: 4), file: path, line: 4)])
    }

    @Test func missingLogHasNoRecordsAndFailsAgainstAHead() {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let empty = AuditLogReader.verify(path: path)
        #expect(empty.isIntact)
        #expect(empty.files.isEmpty)
        #expect(empty.sentence.contains("no records"))
        let expected = AuditChain.Head(hash: String(repeating: "a", count: 64), nextSequence: 5)
        #expect(AuditLogReader.verify(path: path, expectedHead: expected).firstBadSequence == 1)
    }

    @Test func rotationNoteRoundTripsThroughItsSentence() {
        let a = AuditRotationNote(deletedThrough: 80, keepFiles: 2)
        #expect(a.message == "audit file rotated; records through 80 deleted (keep_files 2)")
        #expect(AuditRotationNote(action: "audit.rotate", decision: "rotated", message: a.message) == a)
        let b = AuditRotationNote(deletedThrough: nil, keepFiles: 8)
        #expect(b.message == "audit file rotated; nothing deleted (keep_files 8)")
        #expect(AuditRotationNote(action: "audit.rotate", decision: "rotated", message: b.message) == b)
        // Only the daemon's own rotation records count.
        #expect(AuditRotationNote(action: "click", decision: "rotated", message: a.message) == nil)
        #expect(AuditRotationNote(action: "audit.rotate", decision: "rotated", message: a.message + " x") == nil)
    }
}
