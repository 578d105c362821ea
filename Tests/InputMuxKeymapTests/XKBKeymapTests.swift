import InputMuxCore
import Testing

@testable import InputMuxKeymap

private let shift = KeyCode.leftShift
private let altGr = KeyCode.rightAlt

@Suite struct XKBKeymapTests {
    @Test func usLettersDigitsAndShiftedSymbols() throws {
        let us = try XKBKeymap(layout: "us")
        #expect(us.stroke(for: "a") == KeyStroke(key: KeyCode(30), modifiers: []))
        #expect(us.stroke(for: "A") == KeyStroke(key: KeyCode(30), modifiers: [shift]))
        #expect(us.stroke(for: "@") == KeyStroke(key: KeyCode(3), modifiers: [shift]))
        #expect(us.stroke(for: "1") == KeyStroke(key: KeyCode(2), modifiers: []))
        #expect(us.stroke(for: " ") == KeyStroke(key: .space, modifiers: []))
        #expect(us.stroke(for: "\n") == KeyStroke(key: .enter, modifiers: []))
        #expect(us.stroke(for: "\t") == KeyStroke(key: .tab, modifiers: []))
        #expect(us.stroke(for: "é") == nil)
        #expect(us.stroke(for: "😀") == nil)
    }

    @Test func frenchAzertyProducesFrenchKeycodes() throws {
        let fr = try XKBKeymap(layout: "fr")
        let codes = "azerty".map { fr.stroke(for: $0)?.key.rawValue }
        // On AZERTY, a sits on the key evdev calls KEY_Q, z on KEY_W, and so on.
        #expect(codes == [16, 17, 18, 19, 20, 21])
        #expect(fr.stroke(for: "é") == KeyStroke(key: KeyCode(3), modifiers: []))
        #expect(fr.stroke(for: "1") == KeyStroke(key: KeyCode(2), modifiers: [shift]))
        #expect(fr.stroke(for: "@") == KeyStroke(key: KeyCode(11), modifiers: [altGr]))
    }

    @Test func germanQwertzAndAltGr() throws {
        let de = try XKBKeymap(layout: "de")
        #expect(de.stroke(for: "z") == KeyStroke(key: KeyCode(21), modifiers: []))
        #expect(de.stroke(for: "y") == KeyStroke(key: KeyCode(44), modifiers: []))
        #expect(de.stroke(for: "ü") == KeyStroke(key: KeyCode(26), modifiers: []))
        #expect(de.stroke(for: "@") == KeyStroke(key: KeyCode(16), modifiers: [altGr]))
        #expect(de.stroke(for: "€") == KeyStroke(key: KeyCode(18), modifiers: [altGr]))
    }

    @Test func keyNamesAsXdotoolSpellsThem() throws {
        let us = try XKBKeymap(layout: "us")
        #expect(us.stroke(forKeyName: "Return") == KeyStroke(key: .enter, modifiers: []))
        #expect(us.stroke(forKeyName: "return") == KeyStroke(key: .enter, modifiers: []))
        #expect(us.stroke(forKeyName: "KP_0")?.key == KeyCode(82))
        #expect(us.stroke(forKeyName: "F5")?.key == KeyCode(63))
        #expect(us.stroke(forKeyName: "Left")?.key == KeyCode.left)
        #expect(us.stroke(forKeyName: "at") == KeyStroke(key: KeyCode(3), modifiers: [shift]))
        #expect(us.stroke(forKeyName: "NoSuchKey") == nil)
    }

    @Test func unknownLayoutIsATypedErrorThatSaysWhatToFix() {
        #expect(throws: KeymapError.unknownLayout(layout: "no-such-layout", variant: "")) {
            _ = try XKBKeymap(layout: "no-such-layout")
        }
        let message = KeymapError.unknownLayout(layout: "xx", variant: "").description
        #expect(message.contains("/usr/share/X11/xkb/symbols"))
    }

    @Test func printableASCIIUsesOnlyShiftAndAltGr() throws {
        for layout in ["us", "de", "fr"] {
            let map = try XKBKeymap(layout: layout)
            #expect(map.characterCount > 90, "layout \(layout) maps too few characters")
            for scalar in (0x20...0x7e).compactMap(Unicode.Scalar.init) {
                guard let s = map.stroke(for: Character(scalar)) else { continue }
                #expect(s.modifiers.allSatisfy { [shift, altGr].contains($0) },
                        "\(layout) types \(scalar) with \(s.modifiers): only Shift and AltGr are expected")
            }
        }
    }
}
