import InputMuxCore
import InputMuxKeymap
import InputMuxWire
import Testing

@testable import InputMuxDaemon

/// Durations on the wire are checked against a range before they become `Duration`s
/// (issue 15, "Small traps").
@Suite struct WireNumberTests {
    let decoder = WireDecoder(keyNames: KeyNames(keymap: try? XKBKeymap(layout: "us"), linuxName: { _ in nil }))

    func error(_ line: String) -> WireError? {
        do throws(WireError) {
            _ = try decoder.decode(try JSONValue.wireLine(Array(line.utf8)), controlSocket: false)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        #"{"type":"acquire","id":1,"region":"0,0,10x10","timeout_ms":9223372036855}"#,
        #"{"type":"acquire","id":1,"region":"0,0,10x10","timeout_ms":-1}"#,
        #"{"type":"acquire","id":1,"region":"0,0,10x10","ttl_ms":9223372036855}"#,
        #"{"type":"acquire","id":1,"region":"0,0,10x10","ttl_ms":0}"#,
        #"{"type":"gesture","id":1,"action":"wait","duration_ms":9223372036855}"#,
        #"{"type":"gesture","id":1,"action":"hold","keys":"shift","duration_ms":9223372036854775807}"#,
        #"{"type":"gesture","id":1,"action":"wait","duration_ms":1e300}"#,
    ])
    func outOfRangeDurationsAreMalformed(_ line: String) {
        let e = error(line)
        #expect(e?.code == .malformed, "\(line): \(String(describing: e))")
        #expect(e?.message.contains("out of range") == true || e?.message.contains("must be an integer") == true,
                "\(String(describing: e?.message))")
    }

    @Test func aDayIsTheLongestDuration() throws {
        #expect(error(#"{"type":"acquire","id":1,"region":"0,0,10x10","timeout_ms":86400000}"#) == nil)
        #expect(error(#"{"type":"acquire","id":1,"region":"0,0,10x10","ttl_ms":1}"#) == nil)
        #expect(error(#"{"type":"gesture","id":1,"action":"wait","duration_ms":0}"#) == nil)
        #expect(error(#"{"type":"acquire","id":1,"region":"0,0,10x10","timeout_ms":86400001}"#)?.message
            .contains("timeout_ms: 86400001 is out of range; give 0–86400000 milliseconds") == true)
    }
}
