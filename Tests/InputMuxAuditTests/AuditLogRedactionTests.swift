import InputMuxAuditTestSupport
import InputMuxCore
import Testing

@testable import InputMuxAudit

/// Typed text reaches the audit file redacted unless `[audit] text_in_clear` says otherwise.
@Suite struct AuditLogRedactionTests {
    func typeEvent(_ text: RedactedText) -> AuditEvent {
        AuditEvent(time: Instant(nanoseconds: 1), identity: auditAlice, lease: LeaseID(1), action: "type",
                   decision: .allowed, message: "typed", text: text)
    }

    @Test func typedTextIsRedactedByDefault() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let settings = auditSettings(dir.file("audit.jsonl"))
        #expect(settings.textInClear == false)  // the shipped default
        let key = try AuditKey.loadOrCreate(at: dir.file("audit.key"))
        let redactor = key.redactor(textInClear: settings.textInClear)
        let secret = "correct horse battery staple"
        let log = try AuditLog(settings: settings)
        let r = try log.append(typeEvent(redactor.redact(secret)), wallTime: auditWallTime(1))
        try log.close()

        let bytes = auditFileText(settings.path)
        #expect(!bytes.contains(secret))
        #expect(!bytes.contains("horse"))
        #expect(bytes.contains("\"text\":{\"len\":\(secret.count),\"hmac\":\"\(r.event.text!.hmac)\"}"))
        let entry = try #require(try AuditLogReader.records(path: settings.path).first)
        #expect(entry.textLength == secret.count)
        #expect(AuditLogReader.verify(path: settings.path, expectedHead: log.head).isIntact)
    }

    @Test func typedTextInClearOnlyWithTextInClear() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let settings = auditSettings(dir.file("audit.jsonl"), textInClear: true)
        let key = try AuditKey.loadOrCreate(at: dir.file("audit.key"))
        let log = try AuditLog(settings: settings)
        try log.append(typeEvent(key.redactor(textInClear: settings.textInClear).redact("hello world")), wallTime: auditWallTime(1))
        try log.close()
        #expect(auditFileText(settings.path).contains("\"clear\":\"hello world\""))
    }
}
