import InputMuxCore
import InputMuxWire

/// One record as `muxctl audit` shows it: the fields people filter and read, plus the
/// line itself for `--json`. Parsed with a general JSON parser, unlike the verifier,
/// which reads only the chain fields.
public struct AuditLogEntry: Hashable, Sendable {
    public var sequence: UInt64
    /// RFC 3339 UTC, as written.
    public var time: String
    public var agent: String?
    public var session: UInt64?
    public var uid: UInt32?
    public var pid: Int32?
    /// `L12`.
    public var lease: String?
    public var action: String
    public var points: [Point]
    public var decision: String
    public var reason: String?
    public var message: String
    /// Typed characters, when the record is about text (the text itself is redacted).
    public var textLength: Int?
    /// The file the record was read from.
    public var file: String
    /// The record's line, exactly as on disk.
    public var line: String

    /// Parses a record line; nil for anything else.
    public init?(line: String, file: String) {
        guard let value = JSON.parse(Array(line.utf8)), let o = value.object,
              case .int(let seq)? = o["seq"], seq > 0,
              let time = o["time"]?.string, let action = o["action"]?.string,
              let decision = o["decision"]?.string else { return nil }
        sequence = UInt64(seq)
        self.time = time
        self.action = action
        self.decision = decision
        reason = o["reason"]?.string
        message = o["message"]?.string ?? ""
        lease = o["lease"]?.string
        let session = o["session"]?.object
        agent = session?["name"]?.string
        self.session = session.flatMap { Self.integer($0["sid"]) }.map(UInt64.init)
        uid = session.flatMap { Self.integer($0["uid"]) }.flatMap(UInt32.init(exactly:))
        pid = session.flatMap { Self.integer($0["pid"]) }.flatMap(Int32.init(exactly:))
        points = []
        if case .array(let pairs)? = o["points"] {
            for case .array(let xy) in pairs where xy.count == 2 {
                if let x = Self.integer(xy[0]).flatMap(Int32.init(exactly:)), let y = Self.integer(xy[1]).flatMap(Int32.init(exactly:)) {
                    points.append(Point(x: x, y: y))
                }
            }
        }
        textLength = o["text"]?.object.flatMap { Self.integer($0["len"]) }.map(Int.init)
        self.file = file
        self.line = line
    }

    /// `alice` matches every session of alice; `alice#3` only session 3.
    public func matches(agent filter: String) -> Bool {
        guard let agent else { return false }
        if filter == agent { return true }
        guard let session else { return false }
        return filter == "\(agent)#\(session)"
    }

    private static func integer(_ v: JSON?) -> Int64? {
        if case .int(let i)? = v { i } else { nil }
    }
}
