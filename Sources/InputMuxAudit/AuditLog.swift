import Glibc
import InputMuxConfiguration
import InputMuxCore
import Logging

/// The audit log on disk (DESIGN §6): one canonical JSON line per decision, hash-chained
/// across restarts and rotated files, each record also sent to swift-log for the journal.
///
/// **One thread only.** The daemon's audit writer thread (`AuditSink`) owns the log and is
/// the only caller, so there is no lock; the type is deliberately not `Sendable`. Appends are plain `write`
/// calls (no buffer in this process), so a crash loses nothing already returned.
///
/// Rotation: when a record would push the current file past `maximumBytes`, the file ends
/// with an `AuditRotationNote` record, the files shift (`audit.jsonl` → `.1` → `.2` …,
/// the ones beyond `keepFiles` deleted) and the chain continues in a new current file.
public final class AuditLog {
    public let path: String
    public let maximumBytes: Int
    public let keepFiles: Int
    /// Where the chain stands: give it to `muxctl audit verify` as the expected end, so a
    /// cut-off tail is caught.
    public var head: AuditChain.Head { chain.head }
    /// Records the saved head says were written but the log on disk no longer holds
    /// (its tail was cut or its last record rewritten while the daemon was stopped). The
    /// chain goes on from the saved head, so verification names the same gap forever.
    public private(set) var missingTail: ClosedRange<UInt64>?

    private var chain: AuditChain
    private var fd: Int32
    /// Bytes in the current file: rotation decides on it without a `stat` per record.
    private var size: Int
    private let files: AuditLogFiles
    private let logger: Logger
    private var headFile: AuditHeadFile.Writer?
    /// Room kept at the end of each file for the rotation note: the longest note line.
    private let noteReserve: Int

    /// Opens the log with its head saved next to the audit key (`AuditHeadFile`).
    public convenience init(settings: Configuration.AuditSettings, logger: Logger = Logger(label: "inputmuxd.audit")) throws(AuditLogError) {
        try self.init(settings: settings, headPath: AuditHeadFile.defaultPath(keyPath: settings.keyPath), logger: logger)
    }

    /// Opens (or creates, mode 0640) the current file and continues the chain from the
    /// last record on disk, in the current file or, when that is empty or missing, in the
    /// newest rotated one; a new log starts at record 1. When the head saved at
    /// `headPath` is further along than the log, the log lost its tail: see `missingTail`.
    /// Without a head file (nil, or it cannot be opened) only the log itself is trusted.
    public init(settings: Configuration.AuditSettings, headPath: String?, logger: Logger = Logger(label: "inputmuxd.audit")) throws(AuditLogError) {
        path = settings.path
        maximumBytes = max(1, settings.maximumBytes)
        keepFiles = max(0, settings.keepFiles)
        files = AuditLogFiles(path: path)
        self.logger = logger
        var longest = AuditChain(head: AuditChain.Head(hash: AuditChain.Head.genesis.hash, nextSequence: .max - 1))
        let note = AuditRotationNote(deletedThrough: .max, keepFiles: keepFiles).event(time: Instant(nanoseconds: .max))
        noteReserve = Self.lineBytes(longest.appendLine(note, wallTime: WallTime(nanosecondsSinceEpoch: 0)).line).count

        let (dir, _) = AuditFileIO.split(path)
        do {
            if try AuditFileIO.linkStatus(dir) == nil { try AuditFileIO.makeDirectory(dir, mode: 0o750) }
        } catch {
            throw AuditLogError(.noDirectory, path, errno: error.errno,
                                "cannot create the directory \(dir) (\(error.reason)); create it (tmpfiles.d ships it) or set [audit] path")
        }
        let (found, partial) = try Self.resume(files)
        var start = found
        if let headPath {
            if let saved = AuditHeadFile(path: headPath).read(logPath: path), let gap = Self.lostTail(onDisk: start, saved: saved) {
                logger.error("the audit log lost records while the daemon was stopped: its tail was cut or rewritten; the chain continues from the saved head so the gap stays visible",
                             metadata: ["audit.path": .string(path), "audit.missing": "\(gap.lowerBound)-\(gap.upperBound)"])
                missingTail = gap
                start = saved
            }
            do {
                let writer = try AuditHeadFile.Writer(path: headPath, logPath: path)
                try writer.save(start)  // now, so it names this log even before its first record
                headFile = writer
            } catch {
                logger.warning("cannot keep the audit head file; a tail cut while the daemon is stopped will go unnoticed",
                               metadata: ["audit.head_path": .string(headPath), "error": .string(error.reason)])
            }
        }
        chain = AuditChain(head: start)
        do {
            fd = try AuditFileIO.open(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o640)
            size = try AuditFileIO.size(fd)
        } catch {
            throw AuditLogError(.cannotOpen, path, errno: error.errno,
                                "cannot open it for appending (\(error.reason)); the daemon needs write access to \(dir), or set [audit] path")
        }
        if partial {
            // The last write was cut short (crash, full disk). End that line so it stays as
            // evidence, a line the verifier will name, and the next record stands alone.
            logger.warning("audit log ends in a partial line; it is kept and the chain continues after the last whole record",
                           metadata: ["audit.path": .string(path), "audit.seq": "\(start.nextSequence)"])
            do {
                try AuditFileIO.writeAll(fd, [UInt8(ascii: "\n")])
                size += 1
            } catch {
                AuditFileIO.close(fd)
                throw Self.writeError(error, path: path, sequence: start.nextSequence)
            }
        }
    }

    deinit {
        if fd >= 0 { AuditFileIO.close(fd) }
    }

    /// The records between the log's end and the saved head, if the saved head is ahead
    /// (or names another last record: then that record was rewritten).
    static func lostTail(onDisk: AuditChain.Head, saved: AuditChain.Head) -> ClosedRange<UInt64>? {
        if saved.nextSequence > onDisk.nextSequence { return onDisk.nextSequence...(saved.nextSequence - 1) }
        if saved.nextSequence == onDisk.nextSequence, saved.hash != onDisk.hash, saved.nextSequence > 1 {
            return (saved.nextSequence - 1)...(saved.nextSequence - 1)
        }
        return nil  // behind the log: a stale head file (e.g. restored from a backup) proves nothing
    }

    /// Stamps `event` with the wall clock, chains it, writes it as one line and returns
    /// the record. On failure nothing is chained: the next append gets the same sequence
    /// number, so the log never claims a record it does not hold.
    @discardableResult
    public func append(_ event: AuditEvent, wallTime: WallTime = .now()) throws(AuditLogError) -> AuditRecord {
        guard fd >= 0 else { throw AuditLogError(.closed, path, "append after close: open a new AuditLog") }
        var next = chain
        var (record, line) = next.appendLine(event, wallTime: wallTime)
        var bytes = Self.lineBytes(line)
        if rotatesFirst(adding: bytes.count, after: size) {
            try rotate(time: event.time, wallTime: wallTime)
            next = chain  // the rotation note took a sequence number: chain the record again
            (record, line) = next.appendLine(event, wallTime: wallTime)
            bytes = Self.lineBytes(line)
        }
        try write(bytes, sequence: record.sequence, then: next)
        log(record)
        return record
    }

    /// Appends `events` in order, with what `append` does for each one, but as one write
    /// and one head-file update for all the records that fit before the next rotation:
    /// the audit writer hands over a batch at a time, and a batch then costs the system
    /// calls of one record. `failed` hears of every event that could not be written,
    /// with the error `append` would have thrown for it.
    public func append(batch events: [(AuditEvent, WallTime)], failed: (AuditEvent, AuditLogError) -> Void) {
        var start = 0
        while start < events.count {
            var next = chain
            var bytes: [UInt8] = []
            var records: [AuditRecord] = []
            var end = start
            while end < events.count, fd >= 0 {
                var trial = next
                let (record, text) = trial.appendLine(events[end].0, wallTime: events[end].1)
                let line = Self.lineBytes(text)
                // Where `append` would rotate first, the batch stops; that record goes alone.
                if rotatesFirst(adding: line.count, after: size + bytes.count) { break }
                next = trial
                bytes += line
                records.append(record)
                end += 1
            }
            if records.isEmpty {
                // Closed, or the next record needs a rotation: `append` does either.
                do { try append(events[start].0, wallTime: events[start].1) } catch { failed(events[start].0, error) }
                start += 1
                continue
            }
            do {
                try write(bytes, sequence: records[0].sequence, then: next)
                for r in records { log(r) }
            } catch {
                // Nothing of it was chained and its partial line was taken back: one at a
                // time, each record then fails (or, if the disk came back, lands) alone.
                for i in start..<end {
                    do { try append(events[i].0, wallTime: events[i].1) } catch { failed(events[i].0, error) }
                }
            }
            start = end
        }
    }

    /// Forces what was written onto the disk (`fsync`).
    public func flush() throws(AuditLogError) {
        guard fd >= 0 else { return }
        do { try AuditFileIO.sync(fd) } catch { throw Self.writeError(error, path: path, sequence: chain.head.nextSequence) }
    }

    /// Syncs and closes the file; later appends fail with `.closed`. Closing twice is fine.
    public func close() throws(AuditLogError) {
        guard fd >= 0 else { return }
        defer {
            AuditFileIO.close(fd)
            fd = -1
            headFile?.close()
        }
        try flush()
    }

    /// Whether a line of `count` bytes, after `written` bytes of the current file, makes
    /// the file rotate first: it would leave no room for the rotation note (a file that
    /// is still empty takes any line).
    private func rotatesFirst(adding count: Int, after written: Int) -> Bool {
        written > 0 && written + count + (keepFiles > 0 ? noteReserve : 0) > maximumBytes
    }

    static func lineBytes(_ line: String) -> [UInt8] {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Writes the lines of one or more records, the first numbered `sequence`; once they
    /// are on disk, `next` (the chain after them) becomes the chain.
    private func write(_ bytes: [UInt8], sequence: UInt64, then next: AuditChain) throws(AuditLogError) {
        do {
            try AuditFileIO.writeAll(fd, bytes)
        } catch {
            // Take the partial line back so the next record starts on a line of its own.
            // The file's real size counts, not ours: someone else may have appended.
            if error.written > 0, let now = try? AuditFileIO.size(fd) {
                try? AuditFileIO.truncate(fd, to: now - error.written)
            }
            throw Self.writeError(error, path: path, sequence: sequence)
        }
        chain = next
        size += bytes.count
        do {
            try headFile?.save(next.head)
        } catch {
            // The log itself is fine; only the out-of-log check weakens. Say it once.
            logger.warning("cannot update the audit head file; a tail cut while the daemon is stopped may go unnoticed",
                           metadata: ["audit.head_path": .string(headFile?.path ?? ""), "error": .string(error.reason)])
            headFile = nil
        }
    }

    /// Ends the current file with the rotation note, shifts the files and opens a new
    /// current file. The note is on disk before anything is deleted, so a crash in
    /// between cannot leave deleted records that no note accounts for. (With keepFiles 0
    /// the old file itself goes, so the note opens the new file instead.) On failure the
    /// current file is reopened, so logging goes on (oversized) and the error reaches the
    /// caller.
    private func rotate(time: Instant, wallTime: WallTime) throws(AuditLogError) {
        let present: [Int]
        do { present = try files.rotatedNumbers() } catch { throw rotationError(error) }
        // With keepFiles k, rotated files numbered k and up would become k+1…: deleted.
        var doomed = present.filter { $0 >= keepFiles }.map(files.rotated)
        if keepFiles == 0 { doomed.append(path) }
        var deletedThrough = doomed.compactMap { (try? AuditLogFiles.tail(of: $0))?.last?.sequence }.max()
        if keepFiles == 0 { deletedThrough = chain.head.nextSequence - 1 }  // the current file's end, maybe unflushed
        let note = AuditRotationNote(deletedThrough: deletedThrough, keepFiles: keepFiles)
        if keepFiles > 0 { try writeNote(note, time: time, wallTime: wallTime) }

        try flush()
        AuditFileIO.close(fd)
        fd = -1
        var failure: AuditFileIO.Failure?
        do {
            for file in doomed { try AuditFileIO.remove(file) }
            for n in present.reversed() where n < keepFiles { try AuditFileIO.rename(files.rotated(n), files.rotated(n + 1)) }
            if keepFiles > 0 { try AuditFileIO.rename(path, files.rotated(1)) }
        } catch {
            failure = error
        }
        AuditFileIO.syncDirectory(AuditFileIO.split(path).directory)
        do {
            fd = try AuditFileIO.open(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o640)
            size = try AuditFileIO.size(fd)
        } catch {
            throw AuditLogError(.cannotOpen, path, errno: error.errno,
                                "cannot reopen it after rotating (\(error.reason)); records are not being logged: check \(AuditFileIO.split(path).directory)")
        }
        if let failure { throw rotationError(failure) }
        if keepFiles == 0 { try writeNote(note, time: time, wallTime: wallTime) }
    }

    private func writeNote(_ note: AuditRotationNote, time: Instant, wallTime: WallTime) throws(AuditLogError) {
        var next = chain
        let (record, line) = next.appendLine(note.event(time: time), wallTime: wallTime)
        try write(Self.lineBytes(line), sequence: record.sequence, then: next)
        log(record)
    }

    private func rotationError(_ f: AuditFileIO.Failure) -> AuditLogError {
        AuditLogError(.rotationFailed, path, errno: f.errno,
                      "cannot rotate (\(f.call): \(f.reason)); the record was not logged: check the permissions of \(AuditFileIO.split(path).directory) and its files")
    }

    static func writeError(_ f: AuditFileIO.Failure, path: String, sequence: UInt64) -> AuditLogError {
        if f.errno == ENOSPC || f.errno == EDQUOT {
            return AuditLogError(.diskFull, path, errno: f.errno,
                                 "the disk is full: record \(sequence) is not logged; free space on the disk holding \(path) or lower [audit] max_bytes and keep_files")
        }
        return AuditLogError(.writeFailed, path, errno: f.errno,
                             "cannot write record \(sequence) (\(f.call): \(f.reason)); it may not be on disk")
    }

    /// Where the chain on disk ends, and whether the current file ends in a partial line.
    static func resume(_ files: AuditLogFiles) throws(AuditLogError) -> (AuditChain.Head, partial: Bool) {
        do {
            let current = try AuditLogFiles.tail(of: files.path)
            var last = current?.last
            if last == nil {
                for n in try files.rotatedNumbers() {
                    if let found = try AuditLogFiles.tail(of: files.rotated(n))?.last { last = found; break }
                }
            }
            let head = last.map { AuditChain.Head(hash: $0.hash, nextSequence: $0.sequence + 1) } ?? .genesis
            return (head, current?.endsInPartialLine ?? false)
        } catch {
            throw AuditLogError(.cannotOpen, files.path, errno: error.errno,
                                "cannot read the existing log to continue its chain (\(error.call): \(error.reason)); the daemon needs read access to it")
        }
    }

    /// The journal's copy of the decision. Never the typed text, not even when the audit
    /// file keeps it in clear: the journal is read more widely than the audit log.
    private func log(_ r: AuditRecord) {
        let e = r.event
        var metadata: Logger.Metadata = [
            "audit.seq": "\(r.sequence)", "audit.action": .string(e.action), "audit.decision": .string(e.decision.rawValue),
        ]
        if let id = e.identity {
            metadata["session.name"] = .string(id.name)
            metadata["session.id"] = "\(id.session)"
            metadata["session.uid"] = "\(id.uid)"
            metadata["session.pid"] = "\(id.pid)"
        }
        if let lease = e.lease { metadata["lease.id"] = "\(lease)" }
        if let reason = e.reason { metadata["audit.reason"] = .string(reason.rawValue) }
        if let text = e.text { metadata["audit.text.length"] = "\(text.length)" }
        let level: Logger.Level = switch e.decision {
        case .rejected, .aborted, .denied, .revoked, .frozen, .panic: .notice
        default: .info
        }
        logger.log(level: level, "\(e.message.isEmpty ? "\(e.action) \(e.decision.rawValue)" : e.message)", metadata: metadata)
    }
}

// The audit writer thread is the only caller (see the type's comment); saying so here
// makes the compiler refuse to send the log to another thread.
@available(*, unavailable)
extension AuditLog: Sendable {}
