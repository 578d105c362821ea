import Glibc
import InputMuxAuditTestSupport
import InputMuxCore
import Testing

@testable import InputMuxAudit

@Suite struct AuditLogWriterTests {
    @Test func appendThenReopenContinuesTheChain() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path))
        for i in 1...3 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        let headBefore = log.head
        try log.close()
        #expect(throws: AuditLogError.self) { try log.append(auditClick(9)) }

        let reopened = try AuditLog(settings: auditSettings(path))
        #expect(reopened.head == headBefore)
        let r = try reopened.append(auditClick(4), wallTime: auditWallTime(4))
        #expect(r.sequence == 4)
        #expect(r.prevHash == headBefore.hash)
        try reopened.close()

        let lines = auditLines(path)
        #expect(lines.count == 4)
        #expect(lines.last == r.line)
        let report = AuditLogReader.verify(path: path, expectedHead: reopened.head)
        #expect(report.isIntact, "\(report)")
        #expect(report.verifiedRecords == 4)
    }

    @Test func newFileIsMode0640AndStampsTheWallClock() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("logs/audit.jsonl")  // the directory is made too
        let log = try AuditLog(settings: auditSettings(path))
        let before = WallTime.now()
        let r = try log.append(auditClick(1))
        let after = WallTime.now()
        try log.close()
        #expect(before <= r.wallTime && r.wallTime <= after)
        let st = try #require(try AuditFileIO.linkStatus(path))
        #expect((st.st_mode & 0o777) & ~0o640 == 0)  // never more than 0640, whatever the umask
    }

    @Test func missingDirectoryThatCannotBeMadeSaysWhatToDo() {
        let error = #expect(throws: AuditLogError.self) {
            _ = try AuditLog(settings: auditSettings("/proc/no-such-dir/audit.jsonl"), headPath: nil)
        }
        #expect(error?.code == .noDirectory)
        #expect(error?.description.contains("tmpfiles.d") == true)
        #expect(error?.description.contains("[audit] path") == true)
    }

    @Test func fullDiskIsReportedAndDoesNotAdvanceTheChain() throws {
        // /dev/full accepts opens and fails every write with ENOSPC.
        let log = try AuditLog(settings: auditSettings("/dev/full"), headPath: nil)
        let head = log.head
        let error = #expect(throws: AuditLogError.self) { try log.append(auditClick(1), wallTime: auditWallTime(1)) }
        #expect(error?.code == .diskFull)
        #expect(error?.errno == ENOSPC)
        #expect(error?.description.contains("record 1 is not logged") == true)
        #expect(log.head == head)  // the record that failed is not claimed
    }

    @Test func aBatchWritesExactlyWhatOneByOneWouldAcrossRotations() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let one = dir.file("one.jsonl"), batched = dir.file("batched.jsonl")
        let events = (1...40).map { (auditClick($0), auditWallTime($0)) }
        let single = try AuditLog(settings: auditSettings(one, maximumBytes: 1500, keepFiles: 50), headPath: nil)
        for (e, w) in events { try single.append(e, wallTime: w) }
        try single.close()
        let batch = try AuditLog(settings: auditSettings(batched, maximumBytes: 1500, keepFiles: 50), headPath: nil)
        var failures = 0
        // Batches of uneven sizes, as the writer thread takes them.
        for range in [0..<1, 1..<13, 13..<14, 14..<40] { batch.append(batch: Array(events[range])) { _, _ in failures += 1 } }
        try batch.close()
        #expect(failures == 0)
        #expect(batch.head == single.head)
        let rotated = try AuditLogFiles(path: one).rotatedNumbers()
        #expect(rotated.count >= 3)
        #expect(try AuditLogFiles(path: batched).rotatedNumbers() == rotated)
        for suffix in [""] + rotated.map({ ".\($0)" }) {
            #expect(auditFileText(batched + suffix) == auditFileText(one + suffix), "file\(suffix)")
        }
        #expect(AuditLogReader.verify(path: batched, expectedHead: batch.head).isIntact)
    }

    @Test func aBatchOnAFullDiskReportsEveryEventAndClaimsNone() throws {
        let log = try AuditLog(settings: auditSettings("/dev/full"), headPath: nil)
        let head = log.head
        var failed: [(String, AuditLogError.Code)] = []
        log.append(batch: (1...5).map { (auditClick($0), auditWallTime($0)) }) { e, error in failed.append((e.message, error.code)) }
        #expect(failed.map(\.0) == (1...5).map { "click \($0)" })
        #expect(failed.allSatisfy { $0.1 == .diskFull })
        #expect(log.head == head)
    }

    @Test func rotationAcrossThreeOrMoreFilesStaysVerifiable() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: 1500, keepFiles: 50))
        for i in 1...24 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()

        let rotated = try AuditLogFiles(path: path).rotatedNumbers()
        #expect(rotated.count >= 3)
        #expect(rotated == Array(1...rotated.count))
        for file in [path] + rotated.map({ "\(path).\($0)" }) {
            let size = auditFileText(file).utf8.count
            #expect(size <= 1500, "\(file) has \(size) bytes")
        }
        // Each rotated file ends with a rotation note; the next file's first record
        // chains to it.
        let newest = auditLines(path + ".1")
        let note = try #require(AuditLogReader.rotationNote(newest.last!))
        #expect(note == AuditRotationNote(deletedThrough: nil, keepFiles: 50))
        let first = try #require(AuditEnvelope(auditLines(path)[0]))
        let lastOfPrevious = try #require(AuditEnvelope(newest.last!))
        #expect(first.prevHash == lastOfPrevious.hash)
        #expect(first.sequence == lastOfPrevious.sequence + 1)
        #expect(AuditLogReader.rotationNote(auditLines(path)[0]) == nil)
        let report = AuditLogReader.verify(path: path, expectedHead: log.head)
        #expect(report.isIntact, "\(report)")
        #expect(report.firstSequence == 1)
        #expect(report.lastSequence == log.head.nextSequence - 1)
        #expect(report.verifiedRecords == Int(log.head.nextSequence - 1))
        #expect(report.files.count == rotated.count + 1)
        #expect(!report.olderRecordsRotatedAway)
    }

    @Test func keepFilesDropsTheOldestAndWhatRemainsVerifies() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: 1500, keepFiles: 2))
        for i in 1...30 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()

        #expect(try AuditLogFiles(path: path).rotatedNumbers() == [1, 2])
        let oldest = try #require(AuditEnvelope(auditLines(path + ".2")[0]))
        #expect(oldest.sequence > 1)
        let report = AuditLogReader.verify(path: path, expectedHead: log.head)
        #expect(report.isIntact, "\(report)")
        #expect(report.olderRecordsRotatedAway)
        #expect(report.firstSequence == oldest.sequence)
        #expect(report.sentence.contains("starts at record \(oldest.sequence) (older files rotated away)"))

        // Deleting the oldest remaining file by hand is not rotation: nothing accounts for it.
        let secondOldest = try #require(AuditEnvelope(auditLines(path + ".1")[0]))
        unlink(path + ".2")
        let cut = AuditLogReader.verify(path: path, expectedHead: log.head)
        #expect(!cut.isIntact)
        #expect(cut.problems == [.unaccountedStart(firstPresent: secondOldest.sequence, accountedThrough: oldest.sequence - 1)])
        #expect(cut.firstBadSequence == oldest.sequence)
    }

    @Test func keepNoRotatedFilesStillAccountsForTheStart() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: 1500, keepFiles: 0))
        for i in 1...12 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        #expect(try AuditLogFiles(path: path).rotatedNumbers().isEmpty)
        let report = AuditLogReader.verify(path: path, expectedHead: log.head)
        #expect(report.isIntact, "\(report)")
        #expect(report.olderRecordsRotatedAway)
    }

    @Test func reopenAfterRotationContinuesFromTheNewestRotatedFileWhenCurrentIsGone() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: 1500))
        for i in 1...8 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        // As after a crash between renaming the current file away and creating the next one.
        #expect(try AuditLogFiles(path: path).rotatedNumbers().contains(1))
        unlink(path)
        let end = try #require(AuditLogFiles.tail(of: path + ".1")?.last)

        let logOnly = try AuditLog(settings: auditSettings(path, maximumBytes: 1500), headPath: nil)
        #expect(logOnly.head == AuditChain.Head(hash: end.hash, nextSequence: end.sequence + 1))
        try logOnly.close()
        // The head file knows the records of the vanished current file were written.
        let withHead = try AuditLog(settings: auditSettings(path, maximumBytes: 1500))
        #expect(withHead.missingTail == (end.sequence + 1)...(log.head.nextSequence - 1))
        #expect(withHead.head == log.head)
    }

    @Test func partialLastLineIsKeptAsEvidenceAndTheChainGoesOn() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path))
        for i in 1...3 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        let lines = auditLines(path)
        // A write cut short: half of a fourth line, no newline.
        auditWriteFile(path, lines.joined(separator: "\n") + "\n" + String(lines[2].prefix(40)))

        let reopened = try AuditLog(settings: auditSettings(path))
        #expect(reopened.head.nextSequence == 4)
        let r = try reopened.append(auditClick(4), wallTime: auditWallTime(4))
        try reopened.close()
        #expect(auditLines(path).last == r.line)  // on its own line, not glued to the fragment
        let report = AuditLogReader.verify(path: path)
        #expect(report.problems == [.chain(.malformed(line: 4, expectedSequence: 4), file: path, line: 4)])
    }

    @Test func tailCutWhileStoppedIsCaughtAtStartAndStaysVisible() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let settings = auditSettings(path)
        let log = try AuditLog(settings: settings)
        for i in 1...6 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        let headPath = AuditHeadFile.defaultPath(keyPath: settings.keyPath)
        #expect(AuditHeadFile(path: headPath).read(logPath: path) == log.head)
        #expect((try AuditFileIO.linkStatus(headPath)).map { $0.st_mode & 0o777 } == 0o600)

        // Someone removes records 5 and 6 while the daemon is stopped.
        auditWriteFile(path, auditLines(path).prefix(4).joined(separator: "\n") + "\n")
        #expect(AuditLogReader.verify(path: path).isIntact)  // the log alone cannot tell

        let reopened = try AuditLog(settings: settings)
        #expect(reopened.missingTail == 5...6)
        #expect(reopened.head == log.head)  // goes on from the saved head, not from the cut
        let r = try reopened.append(auditClick(7), wallTime: auditWallTime(7))
        try reopened.close()
        #expect(r.sequence == 7)
        let report = AuditLogReader.verify(path: path, expectedHead: reopened.head)
        #expect(report.problems == [.chain(.outOfSequence(expected: 5, found: 7), file: path, line: 5)])
        #expect(report.firstBadSequence == 5)
        // muxctl, with the daemon stopped, can check the end against the head file.
        #expect(AuditHeadFile(path: headPath).read(logPath: path) == reopened.head)
    }

    @Test func staleOrMissingHeadFileDefersToTheLog() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let settings = auditSettings(path)
        let log = try AuditLog(settings: settings)
        for i in 1...3 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        unlink(AuditHeadFile.defaultPath(keyPath: settings.keyPath))
        let reopened = try AuditLog(settings: settings)
        #expect(reopened.missingTail == nil)
        #expect(reopened.head == log.head)
        // A head saved for another log (the path changed in the configuration) is ignored.
        let other = dir.file("other.jsonl")
        let moved = try AuditLog(settings: auditSettings(other))
        #expect(moved.missingTail == nil)
        #expect(moved.head == .genesis)
        try moved.close()
        let headPath = AuditHeadFile.defaultPath(keyPath: settings.keyPath)
        #expect(AuditHeadFile(path: headPath).read(logPath: other) == .genesis)
        #expect(AuditHeadFile(path: headPath).read(logPath: path) == nil)
        #expect(AuditLog.lostTail(onDisk: log.head, saved: AuditChain.Head(hash: log.head.hash, nextSequence: 2)) == nil)
        #expect(AuditLog.lostTail(onDisk: log.head, saved: AuditChain.Head(hash: String(repeating: "f", count: 64), nextSequence: 4)) == 3...3)
    }
}
