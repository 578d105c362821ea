import InputMuxCore

/// What is wrong with an audit log on disk, file by file.
public enum AuditLogProblem: Hashable, Sendable, CustomStringConvertible {
    /// The chain breaks at `file`, line `line` (nil when the problem is at the end: a
    /// truncation or rewritten last record, found against the expected head).
    case chain(AuditProblem, file: String, line: Int?)
    /// The oldest record present is `firstPresent`, but the rotation notes in the log
    /// account for deleted records only through `accountedThrough` (0: none): the
    /// records in between were removed by someone other than rotation.
    case unaccountedStart(firstPresent: UInt64, accountedThrough: UInt64)
    /// `<path>.N` is missing while older and newer rotated files are present.
    case missingFile(String)
    /// A file could not be read at all.
    case unreadable(String, reason: String)

    /// The first record that cannot be trusted, when the problem names one.
    public var firstBadSequence: UInt64? {
        switch self {
        case .chain(let p, _, _): p.firstBadSequence
        case .unaccountedStart(_, let accounted): accounted + 1
        case .missingFile, .unreadable: nil
        }
    }

    public var description: String {
        switch self {
        case .chain(let p, let file, let line):
            "\(file)\(line.map { " line \($0)" } ?? ""): \(p)"
        case .unaccountedStart(let first, let accounted):
            "records \(accounted + 1) to \(first - 1) are missing before the oldest file and no rotation record accounts for them: older files were deleted or cut"
        case .missingFile(let path):
            "\(path) is missing between the rotated files"
        case .unreadable(let path, let reason):
            "\(path) cannot be read: \(reason)"
        }
    }
}

/// The verdict of `muxctl audit verify`: counts, the first bad record and one sentence.
public struct AuditLogReport: Hashable, Sendable, CustomStringConvertible {
    public struct File: Hashable, Sendable {
        public var path: String
        /// Record lines read from the file (verified or not).
        public var records: Int
        public var firstSequence: UInt64?
        public var lastSequence: UInt64?
    }

    /// The files read, oldest first.
    public var files: [File] = []
    /// Records verified in chain order before the first problem.
    public var verifiedRecords = 0
    public var firstSequence: UInt64?
    public var lastSequence: UInt64?
    /// The log starts after record 1 because rotation deleted the older files, as a
    /// chained rotation record says.
    public var olderRecordsRotatedAway = false
    /// The end was compared with the daemon's head; without it a cut-off tail of the
    /// current file cannot be told from a log that simply ends there.
    public var endChecked = false
    public var problems: [AuditLogProblem] = []

    /// Where the daemon had to drop decisions before writing them (its writer fell too far
    /// behind): a chained `audit.dropped` record stands at `sequence` for `dropped` of them.
    /// The chain is intact across a gap; the log is not complete there.
    public struct Gap: Hashable, Sendable {
        public var sequence: UInt64
        public var dropped: Int
        public var file: String
    }

    public var gaps: [Gap] = []
    /// Decisions the daemon dropped, over every gap.
    public var droppedRecords: Int { gaps.reduce(0) { $0 + $1.dropped } }

    public var isIntact: Bool { problems.isEmpty }
    public var firstBadSequence: UInt64? { problems.compactMap(\.firstBadSequence).min() }

    /// One sentence for the operator.
    /// The gaps, for the sentence: "" when there are none.
    var gapSentence: String {
        guard let first = gaps.first else { return "" }
        let where_ = gaps.count == 1 ? "at record \(first.sequence) in \(first.file)"
            : "in \(gaps.count) gaps, the first at record \(first.sequence) in \(first.file)"
        return " \(droppedRecords) decision\(droppedRecords == 1 ? " was" : "s were") dropped before they could be written "
            + "(\(where_)): the daemon's audit writer fell behind; the log is incomplete there."
    }

    public var sentence: String {
        if !isIntact {
            let first = firstBadSequence.map { " from record \($0) on" } ?? ""
            return "The audit log is NOT intact\(first): " + problems.map(\.description).joined(separator: "; ") + "." + gapSentence
        }
        guard let firstSequence, let lastSequence else {
            return "The audit log holds no records" + (endChecked ? "." : " (nothing to compare with the daemon's head).")
        }
        var s = "The audit log is intact: \(verifiedRecords) records (\(firstSequence) to \(lastSequence)) in \(files.count) file\(files.count == 1 ? "" : "s")"
        if olderRecordsRotatedAway { s += "; it starts at record \(firstSequence) (older files rotated away)" }
        s += endChecked ? "; it ends at the daemon's head." : "; its end was not compared with the daemon's head, so a cut-off tail would go unnoticed."
        return s + gapSentence
    }

    public var description: String { sentence }
}
