import CSystemd
import Glibc
import Logging

/// swift-log's handler for the systemd journal, used when the daemon's stderr is the
/// journal (systemd sets `JOURNAL_STREAM` then). Each line goes to journald natively
/// (`sd_journal_sendv`), with its metadata as journal fields of its own: `audit.action`
/// becomes `AUDIT_ACTION`, `session.name` `SESSION_NAME`. So
/// `journalctl -u inputmuxd AUDIT_DECISION=rejected SESSION_NAME=alice` finds one
/// agent's refusals, and `-o json` gives them to a script field by field. The message
/// keeps the metadata as `key=value` too, for the plain `journalctl -u inputmuxd` view.
///
/// Journald stamps each entry itself, so no line pays for formatting a time of day.
/// A line journald does not take (it is not running) goes to stderr instead, as
/// swift-log's stream handler writes it: nothing is lost.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let send: @Sendable ([String]) -> Bool
    private var fallback: StreamLogHandler

    public init(label: String) {
        self.init(label: label, send: Self.sendToJournal)
    }

    /// `send` takes one entry's fields (`NAME=value`) and says whether journald took them.
    init(label: String, send: @escaping @Sendable ([String]) -> Bool) {
        self.label = label
        self.send = send
        fallback = StreamLogHandler.standardError(label: label)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = event.metadata.map { metadata.merging($0) { _, new in new } } ?? metadata
        let fields = Self.fields(level: event.level, message: "\(event.message)", metadata: merged, label: label,
                                 file: event.file, line: event.line, function: event.function)
        if send(fields) { return }
        var stream = fallback
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }

    /// Whether this process's stderr is the journal: `JOURNAL_STREAM` names its device
    /// and inode (systemd.exec(5)), so a redirected stderr is told apart.
    public static var stderrIsJournal: Bool {
        isJournal(descriptor: 2, journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) })
    }

    /// Whether `descriptor` is the stream `journalStream` (`DEVICE:INODE`) names.
    static func isJournal(descriptor: Int32, journalStream: String?) -> Bool {
        guard let parts = journalStream?.split(separator: ":"), parts.count == 2,
              let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(descriptor, &st) == 0 else { return false }
        return UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode
    }

    /// One entry's fields: the message (with its metadata appended), its priority, who
    /// logged it and where, and every metadata key as a field.
    static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String,
                       file: String, line: UInt, function: String) -> [String] {
        let sorted = metadata.sorted { $0.key < $1.key }
        var text = message
        if !sorted.isEmpty {
            text += " (" + sorted.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        var fields = [
            "MESSAGE=\(text)", "PRIORITY=\(priority(level))", "SYSLOG_IDENTIFIER=inputmuxd", "LOGGER=\(label)",
            "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)",
        ]
        for (key, value) in sorted {
            if let name = fieldName(key) { fields.append("\(name)=\(value)") }
        }
        return fields
    }

    /// syslog's priorities, as journald keeps them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key: upper case letters, digits and `_`, not
    /// starting with `_` (those are journald's own) or a digit, at most 64 bytes; nil
    /// when nothing of the key is left. `audit.text.length` → `AUDIT_TEXT_LENGTH`.
    static func fieldName(_ key: String) -> String? {
        var name = ""
        for c in key.unicodeScalars {
            switch c {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(c.value - 32)!)
            case "A"..."Z", "0"..."9": name.unicodeScalars.append(c)
            default: name += "_"
            }
        }
        while name.first == "_" || name.first?.isNumber == true { name.removeFirst() }
        guard !name.isEmpty else { return nil }
        // Fields journald itself writes (MESSAGE, PRIORITY, CODE_*) are not overwritten.
        if ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "LOGGER", "CODE_FILE", "CODE_LINE", "CODE_FUNC"].contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }

    /// The corresponding C function is `sd_journal_sendv`.
    @Sendable static func sendToJournal(_ fields: [String]) -> Bool {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for f in fields {
            let start = bytes.count
            bytes.append(contentsOf: f.utf8)
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return false }
            var iov = ranges.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&iov, Int32(iov.count)) == 0
        }
    }
}
