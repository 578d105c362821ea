import Testing
@testable import InputMuxCore
import InputMuxTestSupport

/// The `unmappable_text` refusal names offsets and counts, never the characters (issue 15,
/// "Redaction leak"): the refusal goes to the audit log and the journal, where typed text
/// is redacted.
@Suite struct UnmappableTextRedactionTests {
    @Test func theRefusalAndItsAuditRecordQuoteNoCharacter() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(10, 10)
        let mark = t.mark
        let r = A.perform(.type(text: "pay 5€ per § über"))
        #expect(r.code == .unmappableText)
        let message = r.rejection?.message ?? ""
        #expect(message.contains("cannot type 3 of 17 characters, at offsets 5, 11, 13;"))
        let audits = t.audits(since: mark).filter { $0.reason == .unmappableText }
        #expect(audits.count == 1)
        for text in [message] + audits.map(\.message) {
            for leak in ["€", "§", "ü", "20AC", "A7", "FC", "pay", "über"] {
                #expect(!text.contains(leak), "\(leak) in \(text)")
            }
        }
        #expect(t.frames(since: mark).isEmpty)
    }

    @Test func manyBadCharactersAreCountedBeyondTheFirstTen() {
        let t = Timeline()
        let A = t.connect("A")
        A.acquire(leftHalf, keyboard: true)
        A.click(10, 10)
        let r = A.perform(.type(text: String(repeating: "€", count: 12)))
        #expect(r.rejection?.message.contains("at offsets 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more;") == true)
    }
}
