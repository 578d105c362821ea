import Testing
import InputMuxCore

@Test func redactionKeepsLengthAndKeyedHashOnly() {
    let r = TextRedactor(key: Array("k1".utf8))
    let a = r.redact("hunter2 ✓")
    #expect(a.length == 9)
    #expect(a.clear == nil)
    #expect(a.hmac.count == TextRedactor.hmacBytes * 2)
    #expect(a.hmac.allSatisfy { "0123456789abcdef".contains($0) })
    #expect(r.redact("hunter2 ✓") == a)              // stable: an auditor can compare
    #expect(r.redact("hunter3 ✓").hmac != a.hmac)
    #expect(TextRedactor(key: Array("k2".utf8)).redact("hunter2 ✓").hmac != a.hmac)  // keyed
}

@Test func redactionMatchesHMACSHA256TestVector() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    let r = TextRedactor(key: Array("Jefe".utf8))
    #expect(r.redact("what do ya want for nothing?").hmac == "5bdcc146bf60754e6a042426089575c7")
}

@Test func clearTextOnlyWhenPolicySaysSo() {
    var r = TextRedactor(key: [9])
    #expect(r.redact("abc").clear == nil)
    r.logsClearText = true
    #expect(r.redact("abc").clear == "abc")
}
