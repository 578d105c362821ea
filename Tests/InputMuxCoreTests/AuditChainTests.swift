import Testing
import InputMuxCore

private let alice = AgentIdentity(name: "A \"quoted\"\nname", session: SessionID(3), uid: 1000, gid: 1000, pid: 4242, exe: "/usr/bin/agent")

private func sampleLog(_ n: Int, start: AuditChain.Head = .genesis) -> (lines: [String], head: AuditChain.Head) {
    var chain = AuditChain(head: start)
    var lines: [String] = []
    for i in 0..<n {
        let e = AuditEvent(
            time: Instant(nanoseconds: Int64(i) * 1_000_000), identity: i % 3 == 0 ? nil : alice,
            lease: i % 2 == 0 ? LeaseID(UInt64(i)) : nil, action: i % 4 == 0 ? "type" : "click",
            points: [Point(x: Int32(i), y: -Int32(i))], decision: i % 5 == 0 ? .rejected : .allowed,
            reason: i % 5 == 0 ? .outsideRegion : nil, message: "step \(i)\t\u{1}",
            text: i % 4 == 0 ? TextRedactor(key: [1, 2, 3]).redact("secret \(i)") : nil)
        lines.append(chain.append(e, wallTime: WallTime(nanosecondsSinceEpoch: 1_795_000_000_000_000_000 + Int64(i))).line)
    }
    return (lines, chain.head)
}

@Test func intactLogVerifies() {
    let (lines, head) = sampleLog(20)
    #expect(AuditVerifier.verify(lines: lines, expectedHead: head) == nil)
    #expect(head.nextSequence == 21)
}

@Test func recordLineIsCanonicalEscapedJSON() {
    var chain = AuditChain()
    let r = chain.append(AuditEvent(time: Instant(nanoseconds: 5), identity: alice, lease: LeaseID(12), action: "click",
                                    points: [Point(x: 10, y: 20)], decision: .allowed, message: "ok \\ \u{7f}"),
                         wallTime: WallTime(nanosecondsSinceEpoch: 0))
    let expectedBody = #"{"seq":1,"prev":"\#(String(repeating: "0", count: 64))","time":"1970-01-01T00:00:00.000000Z","mono":5,"session":{"name":"A \"quoted\"\nname","sid":3,"uid":1000,"gid":1000,"pid":4242,"exe":"/usr/bin/agent"},"lease":"L12","action":"click","points":[[10,20]],"decision":"allowed","reason":null,"message":"ok \\ \u007f","text":null}"#
    #expect(r.body == expectedBody)
    #expect(r.line.hasPrefix(String(expectedBody.dropLast())))
    #expect(r.line.hasSuffix(",\"hash\":\"\(r.hash)\"}"))
    #expect(r.hash.count == 64)
    #expect(!r.line.contains("\n"))
}

@Test func modifiedRecordIsFoundBySequence() {
    let (lines, head) = sampleLog(10)
    var tampered = lines
    tampered[6] = tampered[6].replacingFirst("\"decision\":\"allowed\"", with: "\"decision\":\"rejected\"")
    #expect(tampered[6] != lines[6])
    let problem = AuditVerifier.verify(lines: tampered, expectedHead: head)
    #expect(problem == .modified(sequence: 7))
    #expect(problem?.firstBadSequence == 7)
}

@Test func deletedAndReorderedRecordsAreFound() {
    let (lines, head) = sampleLog(10)
    var deleted = lines
    deleted.remove(at: 3)
    #expect(AuditVerifier.verify(lines: deleted, expectedHead: head)?.firstBadSequence == 4)
    var swapped = lines
    swapped.swapAt(4, 5)
    #expect(AuditVerifier.verify(lines: swapped) == .outOfSequence(expected: 5, found: 6))
}

@Test func rewrittenRecordWithRecomputedHashBreaksTheNextLink() {
    let (lines, _) = sampleLog(6)
    // Re-chain record 3 after editing it, as a forger without the rest of the log would.
    var forged = AuditChain(head: AuditChain.Head(hash: AuditEnvelope(lines[1])!.hash, nextSequence: 3))
    let r = forged.append(AuditEvent(time: .zero, action: "click", decision: .allowed, message: "forged"), wallTime: WallTime(nanosecondsSinceEpoch: 1))
    var tampered = lines
    tampered[2] = r.line
    let problem = AuditVerifier.verify(lines: tampered)
    #expect(problem == .brokenLink(sequence: 4))
    #expect(problem?.firstBadSequence == 3)
}

@Test func truncationNeedsAndUsesTheExpectedHead() {
    let (lines, head) = sampleLog(8)
    let cut = Array(lines.prefix(5))
    #expect(AuditVerifier.verify(lines: cut) == nil)  // without the saved head a clean cut looks complete
    #expect(AuditVerifier.verify(lines: cut, expectedHead: head) == .truncated(firstMissing: 6))
    #expect(AuditVerifier.verify(lines: [String](), expectedHead: head) == .truncated(firstMissing: 1))
}

@Test func rotatedFilesContinueTheChain() {
    let (first, mid) = sampleLog(4)
    let (second, end) = sampleLog(4, start: mid)
    #expect(AuditEnvelope(second[0])?.sequence == 5)
    #expect(AuditVerifier.verify(lines: second, start: mid, expectedHead: end) == nil)
    #expect(AuditVerifier.verify(lines: first + second, expectedHead: end) == nil)
    // The second file alone, checked from genesis, is not a log of its own.
    #expect(AuditVerifier.verify(lines: second) == .outOfSequence(expected: 1, found: 5))
}

@Test func garbageLinesAreMalformed() {
    let (lines, _) = sampleLog(3)
    #expect(AuditVerifier.verify(lines: [lines[0], "{\"seq\":2}", lines[2]]) == .malformed(line: 2, expectedSequence: 2))
    #expect(AuditEnvelope(String(lines[0].dropLast())) == nil)
}

@Test func wallTimeFormatsCivilDates() {
    #expect(WallTime(nanosecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000000Z")
    // 2000-02-29T12:34:56.789012Z: a leap day in a century leap year.
    #expect(WallTime(nanosecondsSinceEpoch: 951_827_696_789_012_345).description == "2000-02-29T12:34:56.789012Z")
    #expect(WallTime(nanosecondsSinceEpoch: -1_000).description == "1969-12-31T23:59:59.999999Z")
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}

@Test func duplicatedRecordsAndEditedSequenceNumbersAreFound() {
    let (lines, head) = sampleLog(6)
    var doubled = lines
    doubled.insert(lines[2], at: 3)
    #expect(AuditVerifier.verify(lines: doubled, expectedHead: head) == .outOfSequence(expected: 4, found: 3))
    var renumbered = lines
    renumbered[4] = renumbered[4].replacingFirst("{\"seq\":5,", with: "{\"seq\":6,")
    #expect(AuditVerifier.verify(lines: renumbered)?.firstBadSequence == 5)
    // An edited link field (same length, one hex digit changed) without a recomputed hash:
    // the content check fires on that record.
    var relinked = lines
    let prev = AuditEnvelope(lines[3])!.prevHash
    let changed = (prev.first == "a" ? "b" : "a") + prev.dropFirst()
    relinked[3] = relinked[3].replacingFirst(prev, with: changed)
    #expect(AuditEnvelope(relinked[3])?.prevHash == changed)
    #expect(AuditVerifier.verify(lines: relinked) == .modified(sequence: 4))
}
