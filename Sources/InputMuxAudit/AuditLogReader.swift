import InputMuxCore

/// Reads an audit log back: the rotated files and the current one in chain order (oldest
/// first). For `muxctl audit verify` and `muxctl audit` (tail and filter).
public enum AuditLogReader {
    /// Verifies the whole chain across files. The oldest file may start after record 1
    /// only if a rotation record in the log says rotation deleted the records before it.
    /// With `expectedHead` (the daemon's `AuditLog.head`), a cut-off or rewritten end of
    /// the current file is caught too.
    public static func verify(path: String, expectedHead: AuditChain.Head? = nil) -> AuditLogReport {
        var report = AuditLogReport()
        report.endChecked = expectedHead != nil
        let files = AuditLogFiles(path: path)
        let order: [String]
        do {
            order = try files.chainOrder()
            let numbers = try files.rotatedNumbers()
            if let oldest = numbers.last {
                for n in 1..<oldest where !numbers.contains(n) { report.problems.append(.missingFile(files.rotated(n))) }
            }
        } catch {
            report.problems.append(.unreadable(AuditFileIO.split(path).directory, reason: error.reason))
            return report
        }

        var verifier: AuditVerifier?
        var startsAt: UInt64 = 1
        var accountedThrough: UInt64 = 0
        var chainProblem: AuditLogProblem?
        for file in order {
            let bytes: [UInt8]
            do { bytes = try AuditFileIO.readFile(file) ?? [] } catch {
                report.problems.append(.unreadable(file, reason: error.reason))
                break
            }
            var summary = AuditLogReport.File(path: file, records: 0)
            var lineNumber = 0
            for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                guard !raw.isEmpty else { continue }
                let line = String(decoding: raw, as: UTF8.self)
                let envelope = AuditEnvelope(line)
                if let envelope {
                    summary.records += 1
                    summary.firstSequence = summary.firstSequence ?? envelope.sequence
                    summary.lastSequence = envelope.sequence
                }
                // Rotation notes count even past a break in the chain, as long as their own
                // hash holds: otherwise one edit in the middle would also be reported as
                // a deleted start.
                if let envelope, let note = rotationNote(line), let deleted = note.deletedThrough,
                   AuditRecord.hash(prevHash: envelope.prevHash, body: envelope.body) == envelope.hash {
                    accountedThrough = max(accountedThrough, deleted)
                }
                // A drop note is a gap the daemon admits to: reported, chain intact.
                if let envelope, let note = dropNote(line),
                   AuditRecord.hash(prevHash: envelope.prevHash, body: envelope.body) == envelope.hash {
                    report.gaps.append(AuditLogReport.Gap(sequence: envelope.sequence, dropped: note.dropped, file: file))
                }
                guard chainProblem == nil else { continue }
                if verifier == nil {
                    // The first record fixes where the chain present on disk begins.
                    if let envelope, envelope.sequence > 1 {
                        startsAt = envelope.sequence
                        verifier = AuditVerifier(start: AuditChain.Head(hash: envelope.prevHash, nextSequence: envelope.sequence))
                    } else {
                        verifier = AuditVerifier()
                    }
                }
                verifier!.feed(line)
                if var p = verifier!.problem {
                    // The verifier counts lines across all files; the operator needs the file's own.
                    if case .malformed(_, let expected) = p { p = .malformed(line: lineNumber, expectedSequence: expected) }
                    chainProblem = .chain(p, file: file, line: lineNumber)
                }
            }
            report.files.append(summary)
        }

        let v = verifier ?? AuditVerifier()
        if chainProblem == nil, let p = v.finish(expectedHead: expectedHead) {
            chainProblem = .chain(p, file: order.last ?? path, line: nil)
        }
        if let chainProblem { report.problems.append(chainProblem) }
        if startsAt > 1 {
            if accountedThrough + 1 < startsAt {
                report.problems.append(.unaccountedStart(firstPresent: startsAt, accountedThrough: accountedThrough))
            } else {
                report.olderRecordsRotatedAway = true
            }
        }
        report.problems.sort { ($0.firstBadSequence ?? .max) < ($1.firstBadSequence ?? .max) }
        report.verifiedRecords = v.records
        if v.records > 0 {
            report.firstSequence = startsAt
            report.lastSequence = v.head.nextSequence - 1
        }
        return report
    }

    /// The records of the log, oldest first, those of one agent (`name` or `name#sid`)
    /// and/or one lease (`L12`) only, the last `last` of them. Lines that are not records
    /// are skipped: use `verify` to hear about them.
    public static func records(path: String, agent: String? = nil, lease: String? = nil, last: Int? = nil) throws(AuditLogError) -> [AuditLogEntry] {
        let files = AuditLogFiles(path: path)
        var out: [AuditLogEntry] = []
        do {
            for file in try files.chainOrder() {
                for raw in (try AuditFileIO.readFile(file) ?? []).split(separator: UInt8(ascii: "\n")) {
                    guard let entry = AuditLogEntry(line: String(decoding: raw, as: UTF8.self), file: file) else { continue }
                    if let agent, !entry.matches(agent: agent) { continue }
                    if let lease, entry.lease != lease { continue }
                    out.append(entry)
                    // Keep memory bounded by `last` on large logs.
                    if let last, out.count > 2 * max(last, 1024) { out.removeFirst(out.count - last) }
                }
            }
        } catch {
            throw AuditLogError(.cannotOpen, path, errno: error.errno, "cannot read it (\(error.call): \(error.reason)); run as a member of the log's group or as root")
        }
        if let last, out.count > last { out.removeFirst(out.count - last) }
        return out
    }

    /// The drop note a record line carries, if it is one (same exact substring test).
    static func dropNote(_ line: String) -> AuditDropNote? {
        guard line.contains(#","action":"\#(AuditDropNote.action)","#) else { return nil }
        guard let entry = AuditLogEntry(line: line, file: "") else { return nil }
        return AuditDropNote(action: entry.action, decision: entry.decision, message: entry.message)
    }

    /// The rotation note a record line carries, if it is one. The substring test is
    /// exact: inside a JSON string every `"` is escaped, so `,"action":"` only occurs as
    /// the member itself.
    static func rotationNote(_ line: String) -> AuditRotationNote? {
        guard line.contains(#","action":"\#(AuditRotationNote.action)","#) else { return nil }
        guard let entry = AuditLogEntry(line: line, file: "") else { return nil }
        return AuditRotationNote(action: entry.action, decision: entry.decision, message: entry.message)
    }
}
