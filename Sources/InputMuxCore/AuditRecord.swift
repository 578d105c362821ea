import Crypto
import InputMuxWire

/// One line of the audit log (DESIGN §6): an `AuditEvent` stamped with its sequence
/// number and wall time and chained to the record before it.
///
/// The line is canonical JSON with a fixed key order:
/// `{"seq":…,"prev":"…","time":"…","mono":…,"session":{…}|null,"lease":…,"action":…,
/// "points":[[x,y],…],"decision":…,"reason":…,"message":…,"text":{…}|null[,"repeated":N],"hash":"…"}`
/// (`repeated` only on a folded refusal).
/// `hash` is the hex SHA-256 of the `prev` hex followed by the *body*: the line without
/// its `,"hash":"…"` member. Sequence and previous hash lead the line so a verifier can
/// check the chain without a general JSON parser.
public struct AuditRecord: Hashable, Sendable {
    public var event: AuditEvent
    public var sequence: UInt64
    public var wallTime: WallTime
    public var prevHash: String
    public var hash: String

    /// The canonical body, i.e. what is hashed after `prevHash`.
    public var body: String { Self.body(event: event, sequence: sequence, wallTime: wallTime, prevHash: prevHash) }

    /// The whole line as written to the log (no trailing newline).
    public var line: String { Self.line(body: body, hash: hash) }

    /// Makes the record and its hash.
    public init(event: AuditEvent, sequence: UInt64, wallTime: WallTime, prevHash: String) {
        self.init(event: event, sequence: sequence, wallTime: wallTime, prevHash: prevHash,
                  hash: Self.hash(prevHash: prevHash, body: Self.body(event: event, sequence: sequence, wallTime: wallTime, prevHash: prevHash)))
    }

    private init(event: AuditEvent, sequence: UInt64, wallTime: WallTime, prevHash: String, hash: String) {
        self.event = event
        self.sequence = sequence
        self.wallTime = wallTime
        self.prevHash = prevHash
        self.hash = hash
    }

    /// Makes the record, its hash and its line, building the canonical body once (the
    /// audit writer's path: the body is most of a record's cost).
    public static func make(event: AuditEvent, sequence: UInt64, wallTime: WallTime, prevHash: String) -> (record: AuditRecord, line: String) {
        let body = Self.body(event: event, sequence: sequence, wallTime: wallTime, prevHash: prevHash)
        let hash = Self.hash(prevHash: prevHash, body: body)
        return (AuditRecord(event: event, sequence: sequence, wallTime: wallTime, prevHash: prevHash, hash: hash),
                Self.line(body: body, hash: hash))
    }

    /// The body with the hash member put before its closing brace.
    static func line(body: String, hash: String) -> String {
        var b = body
        b.removeLast()
        return b + ",\"hash\":\"" + hash + "\"}"
    }

    public static func hash(prevHash: String, body: some StringProtocol) -> String {
        var h = SHA256()
        h.update(data: Array(prevHash.utf8))
        h.update(data: Array(body.utf8))
        return Hex.encode(h.finalize())
    }

    static func body(event e: AuditEvent, sequence: UInt64, wallTime: WallTime, prevHash: String) -> String {
        var j = JSONWriter()
        j.beginObject()
        j.field("seq", sequence)
        j.field("prev", prevHash)
        j.field("time", wallTime.description)
        j.field("mono", e.time.nanoseconds)
        j.key("session")
        if let id = e.identity {
            j.beginObject()
            j.field("name", id.name)
            j.field("sid", UInt64(id.session.rawValue))
            j.field("uid", UInt64(id.uid))
            j.field("gid", UInt64(id.gid))
            j.field("pid", Int64(id.pid))
            j.field("exe", id.exe)
            if let source = id.exeSource { j.field("exe_source", source.rawValue) }
            j.endObject()
        } else {
            j.null()
        }
        j.field("lease", e.lease?.description)
        j.field("action", e.action)
        j.key("points")
        j.beginArray()
        for p in e.points {
            j.beginArray(); j.value(Int64(p.x)); j.value(Int64(p.y)); j.endArray()
        }
        j.endArray()
        j.field("decision", e.decision.rawValue)
        j.field("reason", e.reason?.rawValue)
        j.field("message", e.message)
        j.key("text")
        if let t = e.text {
            j.beginObject()
            j.field("len", Int64(t.length))
            j.field("hmac", t.hmac)
            if let clear = t.clear { j.field("clear", clear) }
            j.endObject()
        } else {
            j.null()
        }
        // Only folded refusals carry it, so every other record's line is as before.
        if let n = e.repeated { j.field("repeated", Int64(n)) }
        // Only captures carry it.
        if let c = e.capture {
            j.key("capture")
            j.beginObject()
            j.field("rect", c.rect.description)
            j.field("width", Int64(c.width))
            j.field("height", Int64(c.height))
            j.field("format", c.format)
            j.field("bytes", Int64(c.bytes))
            j.field("sha256", c.sha256)
            j.field("settle_ms", c.waited.nanosecondCount / 1_000_000)
            if let s = c.settled { j.key("settled"); j.value(JSON.bool(s)) }
            j.endObject()
        }
        j.endObject()
        return j.string
    }
}

/// The running end of the audit log: appends events as chained records. A value type:
/// the daemon keeps one and persists `head` with each rotated file so the next file
/// continues the chain.
public struct AuditChain: Hashable, Sendable {
    /// Where a chain stands: the last record's hash and the next sequence number.
    public struct Head: Hashable, Sendable, CustomStringConvertible {
        public var hash: String
        public var nextSequence: UInt64
        public init(hash: String, nextSequence: UInt64) {
            self.hash = hash
            self.nextSequence = nextSequence
        }
        /// The start of a new log: no previous record, first sequence 1.
        public static let genesis = Head(hash: String(repeating: "0", count: 64), nextSequence: 1)
        public var description: String { "seq \(nextSequence) after \(hash)" }
    }

    public private(set) var head: Head

    public init(head: Head = .genesis) { self.head = head }

    public mutating func append(_ event: AuditEvent, wallTime: WallTime) -> AuditRecord {
        let r = AuditRecord(event: event, sequence: head.nextSequence, wallTime: wallTime, prevHash: head.hash)
        head = Head(hash: r.hash, nextSequence: head.nextSequence + 1)
        return r
    }

    /// `append`, with the record's line as the log writes it.
    public mutating func appendLine(_ event: AuditEvent, wallTime: WallTime) -> (record: AuditRecord, line: String) {
        let made = AuditRecord.make(event: event, sequence: head.nextSequence, wallTime: wallTime, prevHash: head.hash)
        head = Head(hash: made.record.hash, nextSequence: head.nextSequence + 1)
        return made
    }
}
