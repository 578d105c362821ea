/// What `muxctl audit verify` found wrong first.
public enum AuditProblem: Hashable, Sendable, CustomStringConvertible {
    /// Line `line` (1-based) is not a record line.
    case malformed(line: Int, expectedSequence: UInt64)
    /// Record `sequence`'s content does not match its hash: it was edited.
    case modified(sequence: UInt64)
    /// Record `found` stands where `expected` should be: records were deleted or reordered.
    case outOfSequence(expected: UInt64, found: UInt64)
    /// Record `sequence` does not chain to the record before it: that one was rewritten
    /// (hash recomputed) or the chain was spliced.
    case brokenLink(sequence: UInt64)
    /// The log ends before `expected`: records from `firstMissing` on are gone.
    case truncated(firstMissing: UInt64)
    /// The last record is not the expected head: it was rewritten.
    case headMismatch(sequence: UInt64)

    /// The first sequence number that cannot be trusted.
    public var firstBadSequence: UInt64 {
        switch self {
        case .malformed(_, let s), .modified(let s), .headMismatch(let s): s
        case .outOfSequence(let expected, _): expected
        case .brokenLink(let s): s > 1 ? s - 1 : s
        case .truncated(let s): s
        }
    }

    public var description: String {
        switch self {
        case .malformed(let line, let s): "line \(line) (expected record \(s)) is not an audit record"
        case .modified(let s): "record \(s) was modified: its content does not match its hash"
        case .outOfSequence(let e, let f): "record \(f) stands where record \(e) belongs: records were deleted or reordered"
        case .brokenLink(let s): "record \(s) does not chain to the record before it: record \(s > 1 ? s - 1 : s) was rewritten or the log was spliced"
        case .truncated(let s): "the log is truncated: records from \(s) on are missing"
        case .headMismatch(let s): "record \(s) is not the expected last record: it was rewritten"
        }
    }
}

/// Checks an audit log's hash chain (DESIGN §6): detects a modified record, a deleted or
/// reordered record, and truncation when the expected end is known (the daemon keeps the
/// head outside the log). Streaming: feed lines one by one, then `finish`.
public struct AuditVerifier: Sendable {
    /// The chain position the next line must continue.
    public private(set) var head: AuditChain.Head
    public private(set) var records = 0
    public private(set) var problem: AuditProblem?
    private var lineNumber = 0

    public init(start: AuditChain.Head = .genesis) { head = start }

    /// Checks one line; after the first problem, further lines are ignored.
    public mutating func feed(_ line: some StringProtocol) {
        guard problem == nil else { return }
        lineNumber += 1
        let expected = head.nextSequence
        guard let env = AuditEnvelope(line) else {
            problem = .malformed(line: lineNumber, expectedSequence: expected)
            return
        }
        if env.sequence != expected {
            problem = .outOfSequence(expected: expected, found: env.sequence)
            return
        }
        if AuditRecord.hash(prevHash: env.prevHash, body: env.body) != env.hash {
            problem = .modified(sequence: env.sequence)
            return
        }
        if env.prevHash != head.hash {
            problem = .brokenLink(sequence: env.sequence)
            return
        }
        head = AuditChain.Head(hash: env.hash, nextSequence: expected + 1)
        records += 1
    }

    /// The verdict once every line was fed. With `expectedHead` (the daemon's saved head),
    /// a log that stops early or ends on a rewritten record is caught too.
    public func finish(expectedHead: AuditChain.Head? = nil) -> AuditProblem? {
        if let problem { return problem }
        guard let expectedHead else { return nil }
        if head.nextSequence < expectedHead.nextSequence { return .truncated(firstMissing: head.nextSequence) }
        if head.nextSequence > expectedHead.nextSequence { return nil }  // more than saved: newer than the saved head
        if head.hash != expectedHead.hash { return .headMismatch(sequence: head.nextSequence - 1) }
        return nil
    }

    /// Verifies a whole log.
    public static func verify<S: Sequence>(
        lines: S, start: AuditChain.Head = .genesis, expectedHead: AuditChain.Head? = nil
    ) -> AuditProblem? where S.Element: StringProtocol {
        var v = AuditVerifier(start: start)
        for l in lines where !l.isEmpty { v.feed(l) }
        return v.finish(expectedHead: expectedHead)
    }
}

/// The chain fields of a record line, read by position: `{"seq":N,"prev":"<64 hex>",` …
/// `,"hash":"<64 hex>"}`. Anything else is malformed.
public struct AuditEnvelope: Hashable, Sendable {
    public var sequence: UInt64
    public var prevHash: String
    public var hash: String
    /// The hashed body: the line without its hash member.
    public var body: String

    public init?(_ line: some StringProtocol) {
        let bytes = Array(line.utf8)
        let seqPrefix = Array("{\"seq\":".utf8)
        let prevPrefix = Array(",\"prev\":\"".utf8)
        let hashPrefix = Array(",\"hash\":\"".utf8)
        let tailCount = hashPrefix.count + 64 + 2  // ,"hash":" + hex + "}
        guard bytes.count > seqPrefix.count + tailCount, bytes.starts(with: seqPrefix) else { return nil }
        var i = seqPrefix.count
        var seq: UInt64 = 0
        let digitsStart = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (m, o1) = seq.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] - 0x30))
            if o1 || o2 { return nil }
            seq = a
            i += 1
        }
        guard i > digitsStart, i + prevPrefix.count + 65 <= bytes.count,
              Array(bytes[i..<i + prevPrefix.count]) == prevPrefix else { return nil }
        i += prevPrefix.count
        let prev = bytes[i..<i + 64]
        guard prev.allSatisfy(Self.isHex), bytes[i + 64] == UInt8(ascii: "\"") else { return nil }
        let tail = bytes.count - tailCount
        guard tail > i + 64, Array(bytes[tail..<tail + hashPrefix.count]) == hashPrefix else { return nil }
        let hash = bytes[(tail + hashPrefix.count)..<(bytes.count - 2)]
        guard hash.allSatisfy(Self.isHex), bytes[bytes.count - 2] == UInt8(ascii: "\""),
              bytes[bytes.count - 1] == UInt8(ascii: "}") else { return nil }
        sequence = seq
        prevHash = String(decoding: prev, as: UTF8.self)
        self.hash = String(decoding: hash, as: UTF8.self)
        body = String(decoding: bytes[..<tail], as: UTF8.self) + "}"
    }

    static func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) }
}
