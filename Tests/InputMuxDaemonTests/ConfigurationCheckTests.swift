import InputMuxWire
import Foundation
import InputMuxConfiguration
import InputMuxDaemon
import Testing

/// `inputmuxd --check`: the configuration checked as a start checks it, with the real
/// libevdev key names and libxkbcommon keymaps, and the JSON muxctl doctor reads.
@Suite struct ConfigurationCheckTests {
    func check(_ text: String) throws -> ConfigurationCheck {
        let path = NSTemporaryDirectory() + "inputmux-check-\(UUID().uuidString).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return ConfigurationCheck.asDaemon(path: path)
    }

    @Test func aValidFileWithItsKeymapPasses() throws {
        let c = try check("[panic]\nchord = [\"KEY_LEFTCTRL\", \"KEY_ESC\"]\n[keymap]\nlayout = \"de\"\n")
        #expect(c.isValid, "\(c)")
        #expect(c.keymapChecked)
        #expect(c.description.hasSuffix(": valid"))
    }

    @Test func keyNamesGoThroughLibevdev() throws {
        let c = try check("[panic]\nchord = [\"KEY_LEFTCTRL\", \"KEY_NOPE\"]\n")
        #expect(!c.isValid)
        #expect(c.problems.map(\.key) == ["panic.chord"])
        #expect(c.problems.first?.line == 2)
        #expect(!c.keymapChecked)
    }

    @Test func aKeymapThatDoesNotCompileIsAProblem() throws {
        let c = try check("[keymap]\nlayout = \"zz\"\n")
        #expect(!c.isValid)
        #expect(c.problems.isEmpty)
        #expect(c.keymapProblem?.contains("cannot compile layout \"zz\"") == true)
        #expect(c.description.contains(": keymap: "))
    }

    @Test func theJSONReadsBack() throws {
        let c = try check("[panic]\nchord = [\"KEY_NOPE\", \"KEY_ESC\"]\n")
        #expect(c.json.contains("\"keymap_checked\":false"))
        #expect(ConfigurationCheck(json: c.json) == c)
        #expect(ConfigurationCheck(json: "inputmuxd: something else") == nil)
    }
}
