import Foundation
import InputMuxWire
import Testing

@testable import InputMuxDaemon

private func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }
private func text(_ v: JSONValue) -> String { String(decoding: v.serializedBytes, as: UTF8.self) }

/// The wire codec: what it accepts is exactly RFC 8259, and what it writes Foundation's
/// own JSON reader reads back to the same document.
@Suite struct JSONValueTests {
    @Test func scalarsKeepTheirKinds() {
        #expect(parse("true") == .bool(true))
        #expect(parse("false") == .bool(false))
        #expect(parse("null") == .null)
        #expect(parse("1") == .int(1))
        #expect(parse("-0") == .int(0))
        #expect(parse("-42") == .int(-42))
        #expect(parse("9223372036854775807") == .int(.max))
        #expect(parse("-9223372036854775808") == .int(.min))
        // Beyond Int64, or with a fraction or exponent: a double.
        #expect(parse("9223372036854775808") == .double(9223372036854775808))
        #expect(parse("1.0") == .double(1))
        #expect(parse("2.5e3") == .double(2500))
        #expect(parse("1E-2") == .double(0.01))
        #expect(parse(#""a/b""#) == .string("a/b"))
    }

    @Test func objectsArraysAndWhitespace() {
        let v = parse(" {\"type\" : \"drag\",\t\"path\":[[1,2],[3, 4]],\r\n\"x\":{}, \"y\":[]} ")
        #expect(v == ["type": "drag", "path": [[1, 2], [3, 4]], "x": .object([:]), "y": .array([])])
    }

    @Test func escapesAndUnicode() {
        #expect(parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(parse(#""\u00e9\u20AC""#) == .string("é€"))
        #expect(parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(parse("\"é😀\"") == .string("é😀"))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1}x", "[1 2]", "01", "1.", ".5", "+1", "1e", "-",
        "tru", "nul", "True", "NaN", "Infinity", "1e999", "'a'", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"",
        "\"\\ud83d\\u0041\"", "\"tab\there\"", "[1]\n[2]",
    ])
    func malformedLinesAreRefused(_ line: String) {
        #expect(parse(line) == nil, "accepted \(line.debugDescription)")
    }

    @Test func invalidUTF8IsRefused() {
        #expect((JSONValue.parse([0x22, 0xff, 0x22])) == nil)
        #expect((JSONValue.parse([0x22, 0xc3, 0x22])) == nil)  // cut short
        #expect((JSONValue.parse([0x22, 0xc3, 0xa9, 0x22])) == .string("é"))
    }

    @Test func nestingIsBounded() {
        let ok = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        let deep = String(repeating: "[", count: JSONValue.maximumDepth + 1) + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(parse(ok) != nil)
        #expect(parse(deep) == nil)
        #expect(parse(String(repeating: "{\"a\":", count: 10_000)) == nil)
    }

    @Test func serializedIsCompactWithSortedKeys() {
        let v: JSONValue = ["type": "reply", "ok": true, "id": 7, "result": ["b": .null, "a": .double(1.5), "c": ["x\n\"y\"", -3]]]
        #expect(text(v) == #"{"id":7,"ok":true,"result":{"a":1.5,"b":null,"c":["x\n\"y\"",-3]},"type":"reply"}"#)
        #expect(text(.double(.infinity)) == "null")
        #expect(text(.string("a/b\u{1}")) == #""a/b\u0001""#)
    }

    @Test func roundTripsThroughItselfAndFoundation() throws {
        let v: JSONValue = ["s": "é😀\t\u{7f}\\", "i": .int(.min), "d": .double(-0.000123), "l": [true, false, .null, [:]],
                            "o": ["deep": [["k": 1]]]]
        let bytes = v.serializedBytes
        #expect(try JSONValue.wireLine(bytes) == v)
        // An independent reader agrees on every value.
        let f = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect(f?["s"] as? String == "é😀\t\u{7f}\\")
        #expect((f?["i"] as? NSNumber)?.int64Value == .min)
        #expect((f?["d"] as? NSNumber)?.doubleValue == -0.000123)
        #expect(((f?["o"] as? [String: Any])?["deep"] as? [[String: Int]])?.first?["k"] == 1)
    }
}
