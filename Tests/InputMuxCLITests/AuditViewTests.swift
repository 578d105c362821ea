import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxAudit
import InputMuxWire
import Testing

@Suite struct AuditViewTests {
    static let record = #"{"seq":42,"prev":"00","time":"2026-11-21T12:01:07.123456Z","mono":1,"session":{"name":"alice","sid":3,"uid":1000,"gid":1000,"pid":4242,"exe":"/usr/bin/agent"},"lease":"L7","action":"click","points":[[100,200]],"decision":"rejected","reason":"outside_region","message":"outside your region","text":null,"hash":"ff"}"#

    @Test func oneRecordOneLine() throws {
        let e = try #require(AuditLogEntry(line: Self.record, file: "x"))
        #expect(AuditView.line(e) == "42  2026-11-21T12:01:07.123456Z  alice#3  L7  click 100,200  rejected/outside_region  outside your region")
    }

    @Test func filterByAgentAndLease() throws {
        let e = try #require(AuditLogEntry(line: Self.record, file: "x"))
        #expect(AuditView.Filter(agent: "alice").keeps(e))
        #expect(AuditView.Filter(agent: "alice#3").keeps(e))
        #expect(!AuditView.Filter(agent: "alice#4").keeps(e))
        #expect(AuditView.Filter(lease: "7").keeps(e))
        #expect(AuditView.Filter(agent: "alice", lease: "L7").keeps(e))
        #expect(!AuditView.Filter(lease: "L8").keeps(e))
    }
}

@Suite struct AuditFollowerTests {
    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("muxctl-follow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func append(_ path: String, _ text: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        try h.close()
    }

    @Test func startsAtTheEndAndReadsWholeLinesOnly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.jsonl"
        try "old 1\nold 2\n".write(toFile: path, atomically: false, encoding: .utf8)
        let f = AuditFollower(path: path)
        #expect(f.poll().isEmpty)
        try append(path, "new 1\nnew 2 par")
        #expect(f.poll() == ["new 1"])
        try append(path, "t\n")
        #expect(f.poll() == ["new 2 part"])
    }

    @Test func followsAcrossRotationWithoutLosingTheOldFilesTail() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.jsonl"
        try "a\n".write(toFile: path, atomically: false, encoding: .utf8)
        let f = AuditFollower(path: path)
        try append(path, "b\nrotate note\n")
        // Rotate before the follower looks: the lines above are only in the renamed file.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try "c\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(f.poll() == ["b", "rotate note", "c"])
        try append(path, "d\n")
        #expect(f.poll() == ["d"])
    }

    @Test func waitsForAFileThatDoesNotExistYet() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.jsonl"
        let f = AuditFollower(path: path)
        #expect(f.poll().isEmpty)
        try "first\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(f.poll() == ["first"])
    }
}

@Suite struct MonitorViewTests {
    func record(_ json: String) throws -> AuditRecord {
        try #require(JSON.parse(json)).decode(AuditRecord.self)
    }

    @Test func rejectedDecisionWithReason() throws {
        let r = try record(#"{"type":"event","event":"audit","time_ms":5,"action":"click","decision":"rejected","reason":"outside_region","message":"click at 5000,5 is outside your region","points":[[5000,5]],"agent":{"name":"B","session":7,"uid":1000,"gid":1000,"pid":1,"exe":"/x"},"lease":"L13"}"#)
        #expect(MonitorView.line(r, clock: "12:00:00.000") ==
            "12:00:00.000  REJECTED outside_region  B#7  L13  click 5000,5  click at 5000,5 is outside your region")
    }

    @Test func allowedTypingShowsLengthOnly() throws {
        let r = try record(#"{"type":"event","event":"audit","time_ms":5,"action":"type","decision":"allowed","message":"typed","points":[],"text":{"length":8,"hmac":"ab"},"agent":{"name":"A","session":1,"uid":0,"gid":0,"pid":1,"exe":""}}"#)
        let line = MonitorView.line(r, clock: "t")
        #expect(line.contains("allowed  A#1  -  type (8 chars)"))
        #expect(!line.contains("ab"))
    }
}
