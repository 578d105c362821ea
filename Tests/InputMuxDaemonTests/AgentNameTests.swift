import InputMuxCore
import InputMuxKeymap
import InputMuxWire
import Testing

@testable import InputMuxDaemon

/// Agent names (issue 15, "Names"): at most 64 bytes of UTF-8, printable characters only.
@Suite struct AgentNameTests {
    let decoder = WireDecoder(keyNames: KeyNames(keymap: try? XKBKeymap(layout: "us"), linuxName: { _ in nil }))

    func hello(_ name: String) -> Result<String?, WireError> {
        var escapedName = ""
        for c in name.unicodeScalars {
            switch c {
            case "\"": escapedName += "\\\""
            case "\\": escapedName += "\\\\"
            default:
                if c.value < 0x20 {
                    let h = String(c.value, radix: 16)
                    escapedName += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    escapedName.unicodeScalars.append(c)
                }
            }
        }
        let line = #"{"type":"hello","id":1,"protocol":1,"name":"\#(escapedName)"}"#
        do throws(WireError) {
            let r = try decoder.decode(try JSONValue.wireLine(Array(line.utf8)), controlSocket: false)
            guard case .hello(_, let n) = r.body else { return .success(nil) }
            return .success(n)
        } catch {
            return .failure(error)
        }
    }

    func refusal(_ name: String) -> WireError? {
        if case .failure(let e) = hello(name) { return e }
        return nil
    }

    /// The issue's name: "robot-e" and 20,000 combining accents, one grapheme cluster per
    /// letter, so 7 "characters" and 40 KB.
    @Test func aNameIsLimitedByBytesNotCharacters() {
        let long = "robot-e" + String(repeating: "\u{0301}", count: 20_000)
        #expect(long.count == 7)
        let e = refusal(long)
        #expect(e?.code == .malformed)
        #expect(e?.message.contains("40007 bytes") == true)
        #expect(refusal(String(repeating: "n", count: 65))?.code == .malformed)
        #expect(refusal(String(repeating: "n", count: 64)) == nil)
        // 32 two-byte letters are 64 bytes; 33 are too many.
        #expect(refusal(String(repeating: "é", count: 32)) == nil)
        #expect(refusal(String(repeating: "é", count: 33))?.code == .malformed)
    }

    @Test func controlCharactersAndOverridesAreRefused() {
        for bad in ["bot\u{1B}[2J", "bot\u{7}", "bot\nx", "bot\r", "bot\u{7F}", "bot\u{9B}31m", "bot\u{202E}gnp.exe",
                    "bot\u{2028}", "bot\u{E000}", "bot\t", "a\"b"] {
            let e = refusal(bad)
            #expect(e?.code == .malformed, "admitted \(bad.unicodeScalars.map { $0.value })")
            #expect(e?.message.contains("not printable") == true || e?.message.contains("quote") == true)
        }
    }

    @Test func printableNamesInAnyScriptAreAdmitted() {
        for good in ["claude-1", "robot_é", "エージェント", "👩‍💻 dev", "a b", "x*y?"] {
            guard case .success(let n) = hello(good) else { Issue.record("refused \(good)"); continue }
            #expect(n == good)
        }
    }
}
