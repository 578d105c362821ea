import InputMuxAudit

/// `muxctl audit verify --json`: the report in stable snake_case keys.
public struct AuditVerdict: Encodable, Sendable {
    public var intact: Bool
    public var verifiedRecords: Int
    public var firstSequence: UInt64?
    public var lastSequence: UInt64?
    public var firstBadSequence: UInt64?
    public var endChecked: Bool
    public var olderRecordsRotatedAway: Bool
    public var files: [String]
    public var problems: [String]
    /// Decisions the daemon dropped before writing them, and the records that say so.
    public var droppedRecords: Int
    public var gapSequences: [UInt64]
    public var sentence: String

    public init(_ r: AuditLogReport) {
        intact = r.isIntact
        verifiedRecords = r.verifiedRecords
        firstSequence = r.firstSequence
        lastSequence = r.lastSequence
        firstBadSequence = r.firstBadSequence
        endChecked = r.endChecked
        olderRecordsRotatedAway = r.olderRecordsRotatedAway
        files = r.files.map(\.path)
        problems = r.problems.map(\.description)
        droppedRecords = r.droppedRecords
        gapSequences = r.gaps.map(\.sequence)
        sentence = r.sentence
    }

    enum CodingKeys: String, CodingKey {
        case intact, files, problems, sentence
        case verifiedRecords = "verified_records", firstSequence = "first_sequence", lastSequence = "last_sequence"
        case firstBadSequence = "first_bad_sequence", endChecked = "end_checked"
        case olderRecordsRotatedAway = "older_records_rotated_away"
        case droppedRecords = "dropped_records", gapSequences = "gap_sequences"
    }
}
