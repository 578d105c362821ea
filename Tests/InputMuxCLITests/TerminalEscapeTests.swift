import Foundation
import InputMuxAudit
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import InputMuxWire
import Testing

/// What muxctl prints from clients is escaped (issue 15, "Names"): an agent name, exe or
/// message cannot put terminal escapes, line breaks or bidi overrides into a terminal.
@Suite struct TerminalEscapeTests {
    static let hostile = "evil\u{1B}]0;pwned\u{7}\u{1B}[2J\nroot\u{202E}"

    func assertClean(_ text: String, _ what: String) {
        for c in text.unicodeScalars where c != "\n" {
            #expect(c.value >= 0x20 && c.value != 0x7F && !(0x80...0x9F).contains(c.value) && c.value != 0x202E,
                    "\(what) prints U+\(String(c.value, radix: 16))")
        }
    }

    @Test func statusTablesEscapeNamesAndExecutables() {
        let s = Identity(name: Self.hostile, session: 3, uid: 1000, gid: 1000, pid: 42, exe: "/tmp/\u{1B}[31mx")
        let text = StatusView.sessions([s])
        assertClean(text, "status")
        #expect(text.split(separator: "\n").count == 2)   // the header and one row, not a row split by \n
        #expect(text.contains("evil\\u{001B}]0;pwned\\u{0007}\\u{001B}[2J\\u{000A}root\\u{202E}"))
    }

    @Test func monitorLinesEscapeEverythingFromClients() throws {
        let json = #"{"type":"event","event":"audit","time_ms":5,"action":"click","decision":"rejected","reason":"outside_region","message":"\u001b[2Jbad","points":[],"agent":{"name":"evil\u001b[31m","session":7,"uid":1000,"gid":1000,"pid":1,"exe":"/x"},"lease":"L13"}"#
        let r = try #require(JSON.parse(json)).decode(AuditRecord.self)
        let line = MonitorView.line(r, clock: "t")
        assertClean(line, "monitor")
        #expect(line.contains("evil\\u{001B}[31m#7"))
    }

    @Test func auditLinesEscapeEverythingFromClients() throws {
        let record = #"{"seq":42,"prev":"00","time":"2026-11-21T12:01:07.123456Z","mono":1,"session":{"name":"evil\u001b[2J","sid":3,"uid":1000,"gid":1000,"pid":4242,"exe":"/usr/bin/agent"},"lease":"L7","action":"click","points":[[100,200]],"decision":"rejected","reason":"outside_region","message":"name \"evil\u001b[2J\"\nsecond line","text":null,"hash":"ff"}"#
        let e = try #require(AuditLogEntry(line: record, file: "x"))
        let line = AuditView.line(e)
        assertClean(line, "audit")
        #expect(!line.contains("\n"))
    }
}

/// muxctl's error line (both binaries print `CLIError.line`) escapes what the daemon
/// quoted from clients.
@Suite struct ErrorLineEscapeTests {
    @Test func anErrorQuotingAHostileNameIsEscaped() {
        let e = CLIError.daemon(code: "not_allowed", message: "uid 1000 may not connect as agent \"x\u{1B}[2J\u{202E}\"")
        #expect(e.line.contains("x\\u{001B}[2J\\u{202E}"))
        #expect(!e.line.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }
}
