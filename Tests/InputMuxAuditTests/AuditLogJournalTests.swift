import InputMuxAuditTestSupport
import InputMuxCore
import InputMuxWire
import Logging
import Synchronization
import Testing

@testable import InputMuxAudit

/// Collects what the audit log sends to swift-log.
final class AuditJournalSink: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }
    let entries = Mutex<[Entry]>([])

    var logger: Logger {
        Logger(label: "test.audit") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: AuditJournalSink
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let flat = (event.metadata ?? [:]).mapValues { "\($0)" }
            sink.entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: flat)) }
        }
    }
}

@Suite struct AuditLogJournalTests {
    @Test func decisionsReachSwiftLogWithoutTheTypedText() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let sink = AuditJournalSink()
        // Even with clear text allowed in the audit file, the journal gets the length only.
        let log = try AuditLog(settings: auditSettings(dir.file("audit.jsonl"), textInClear: true), logger: sink.logger)
        let text = TextRedactor(key: [1, 2, 3], logsClearText: true).redact("p4ssw0rd")
        try log.append(AuditEvent(time: .zero, identity: auditAlice, lease: LeaseID(7), action: "type", decision: .allowed,
                                  message: "typed 8 characters", text: text), wallTime: auditWallTime(1))
        try log.append(auditClick(5), wallTime: auditWallTime(2))  // a rejection
        try log.close()

        let entries = sink.entries.withLock { $0 }
        #expect(entries.count == 2)
        let typed = try #require(entries.first)
        #expect(typed.level == .info)
        #expect(typed.message == "typed 8 characters")
        #expect(typed.metadata["audit.seq"] == "1")
        #expect(typed.metadata["session.name"] == "alice")
        #expect(typed.metadata["lease.id"] == "L7")
        #expect(typed.metadata["audit.text.length"] == "8")
        #expect(!"\(typed.message) \(typed.metadata)".contains("p4ssw0rd"))
        #expect(entries[1].level == .notice)
        #expect(entries[1].metadata["audit.reason"] == ReasonCode.outsideRegion.rawValue)
        #expect(auditFileText(dir.file("audit.jsonl")).contains("p4ssw0rd"))  // the file does keep it, as configured
    }
}
