import Glibc
import Logging
import Synchronization
import Testing

@testable import InputMuxDaemon

/// The journal handler's entries: the message keeps its metadata for the plain view, and
/// every metadata key becomes a field journalctl can match on.
@Suite struct JournalLogHandlerTests {
    final class Sent: Sendable {
        let entries = Mutex<[[String]]>([])
        let accept: Bool
        init(accept: Bool = true) { self.accept = accept }
        func logger(level: Logger.Level = .info, label: String = "inputmuxd.test") -> Logger {
            Logger(label: label) { label in
                var h = JournalLogHandler(label: label) { fields in
                    self.entries.withLock { $0.append(fields) }
                    return self.accept
                }
                h.logLevel = level
                return h
            }
        }
        var all: [[String]] { entries.withLock { $0 } }
    }

    @Test func metadataBecomesFieldsAndStaysInTheMessage() throws {
        let sent = Sent()
        var logger = sent.logger()
        logger[metadataKey: "session.name"] = "robot"
        logger.notice("click rejected", metadata: ["audit.action": "click", "audit.text.length": "8", "session.name": "alice"])
        let fields = try #require(sent.all.first)
        #expect(fields.first == "MESSAGE=click rejected (audit.action=click audit.text.length=8 session.name=alice)")
        #expect(fields.contains("PRIORITY=5"))
        #expect(fields.contains("SYSLOG_IDENTIFIER=inputmuxd"))
        #expect(fields.contains("LOGGER=inputmuxd.test"))
        #expect(fields.contains("AUDIT_ACTION=click"))
        #expect(fields.contains("AUDIT_TEXT_LENGTH=8"))
        // The line's own metadata wins over the logger's.
        #expect(fields.contains("SESSION_NAME=alice") && !fields.contains("SESSION_NAME=robot"))
        #expect(fields.contains { $0.hasPrefix("CODE_FILE=") && $0.hasSuffix("JournalLogHandlerTests.swift") })
        #expect(fields.contains { $0.hasPrefix("CODE_LINE=") })
    }

    @Test func levelsAreSyslogPrioritiesAndTheLevelFilters() {
        let sent = Sent()
        let logger = sent.logger(level: .notice)
        logger.info("not sent")
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(sent.all.map { $0[1] } == ["PRIORITY=5", "PRIORITY=4", "PRIORITY=3", "PRIORITY=2"])
        #expect(JournalLogHandler.priority(.debug) == 7 && JournalLogHandler.priority(.trace) == 7
            && JournalLogHandler.priority(.info) == 6)
    }

    @Test func metadataKeysBecomeValidJournalFieldNames() {
        #expect(JournalLogHandler.fieldName("audit.text.length") == "AUDIT_TEXT_LENGTH")
        #expect(JournalLogHandler.fieldName("device.path") == "DEVICE_PATH")
        #expect(JournalLogHandler.fieldName("errno") == "ERRNO")
        // Journald's own fields start with "_"; names may not start with a digit.
        #expect(JournalLogHandler.fieldName("_pid") == "PID")
        #expect(JournalLogHandler.fieldName("9lives") == "LIVES")
        #expect(JournalLogHandler.fieldName("...") == nil)
        // A key that would overwrite the entry's own fields keeps a prefix.
        #expect(JournalLogHandler.fieldName("message") == "META_MESSAGE")
        #expect(JournalLogHandler.fieldName("priority") == "META_PRIORITY")
        #expect(JournalLogHandler.fieldName(String(repeating: "k", count: 100))?.count == 64)
        #expect(JournalLogHandler.fieldName("héllo") == "H_LLO")
    }

    @Test func aLineJournaldRefusesIsStillHandledOnce() {
        // journald not running: the handler falls back to stderr (not captured here) and
        // asks journald once per line, not again.
        let sent = Sent(accept: false)
        let logger = sent.logger()
        logger.warning("journald is down")
        logger.info("still logging")
        #expect(sent.all.count == 2)
    }

    @Test func theJournalIsKnownByTheDeviceAndInodeSystemdNames() throws {
        var template = Array("/tmp/inputmux-journal-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var st = stat()
        try #require(fstat(fd, &st) == 0)
        #expect(JournalLogHandler.isJournal(descriptor: fd, journalStream: "\(st.st_dev):\(st.st_ino)"))
        #expect(!JournalLogHandler.isJournal(descriptor: fd, journalStream: "\(st.st_dev):\(st.st_ino + 1)"))
        #expect(!JournalLogHandler.isJournal(descriptor: fd, journalStream: nil))
        #expect(!JournalLogHandler.isJournal(descriptor: fd, journalStream: "garbage"))
    }
}
