import InputMuxAuditTestSupport
import InputMuxCore
import InputMuxWire
import Testing

@testable import InputMuxAudit

/// `muxctl audit`: tail and filter across rotated files.
@Suite struct AuditLogRecordsTests {
    @Test func filtersByAgentLeaseAndLastAcrossFiles() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.jsonl")
        let log = try AuditLog(settings: auditSettings(path, maximumBytes: 1500, keepFiles: 50))
        for i in 1...20 { try log.append(auditClick(i), wallTime: auditWallTime(i)) }
        try log.close()
        #expect(try AuditLogFiles(path: path).rotatedNumbers().count >= 2)

        let all = try AuditLogReader.records(path: path)
        #expect(all.map(\.sequence) == Array(1...(log.head.nextSequence - 1)))  // chain order, notes included
        #expect(all.filter { $0.action == "audit.rotate" }.allSatisfy { $0.decision == "rotated" && $0.agent == nil })

        let alice = try AuditLogReader.records(path: path, agent: "alice")
        #expect(alice.count == 10)
        #expect(alice.allSatisfy { $0.agent == "alice" && $0.session == 3 && $0.uid == 1000 && $0.pid == 4242 })
        #expect(try AuditLogReader.records(path: path, agent: "bob#4").count == 10)
        #expect(try AuditLogReader.records(path: path, agent: "bob#5").isEmpty)

        let lease1 = try AuditLogReader.records(path: path, lease: "L1")
        #expect(lease1.map(\.message) == [1, 4, 7, 10, 13, 16, 19].map { "click \($0)" })
        let both = try AuditLogReader.records(path: path, agent: "alice", lease: "L1")
        #expect(both.map(\.message) == ["click 4", "click 10", "click 16"])

        let tail = try AuditLogReader.records(path: path, agent: "alice", last: 2)
        #expect(tail.map(\.message) == ["click 18", "click 20"])
        let rejected = try #require(all.first { $0.message == "click 5" })
        #expect(rejected.decision == "rejected")
        #expect(rejected.reason == ReasonCode.outsideRegion.rawValue)
        #expect(rejected.points == [Point(x: 5, y: 7)])
        #expect(AuditEnvelope(rejected.line)?.sequence == rejected.sequence)
    }
}
