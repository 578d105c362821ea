import Testing
import InputMuxCore
import InputMuxTestSupport

@Test func usKeymapTestDoubleMapsShiftedAndPlainCharacters() {
    let k = USKeymap()
    #expect(k.stroke(for: "a") == KeyStroke(key: KeyCode(30)))
    #expect(k.stroke(for: "A") == KeyStroke(key: KeyCode(30), modifiers: [.leftShift]))
    #expect(k.stroke(for: "!") == KeyStroke(key: KeyCode(2), modifiers: [.leftShift]))
    #expect(k.stroke(for: "/") == KeyStroke(key: KeyCode(53)))
    #expect(k.stroke(for: "\n")?.key == .enter)
    #expect(k.stroke(for: "é") == nil)
}

@Test func typingValidatesTheWholeStringAndNamesEveryBadOffset() {
    let c = GestureCompiler(pacing: .standard, keymap: USKeymap())
    do {
        _ = try c.compile(.type(text: "héllo wörld€"), context: CompileContext())
        Issue.record("unmappable text was accepted")
    } catch {
        #expect(error.code == .unmappableText)
        #expect(error.message.contains("at offsets 1, 7, 11;"))
        #expect(error.message.contains("3 of 12"))
    }
}

@Test func typingFollowsTheKeymapWithCadence() throws {
    let pacing = Pacing.standard
    let c = GestureCompiler(pacing: pacing, keymap: USKeymap())
    let frames = try c.compile(.type(text: "aB"), context: CompileContext())
    #expect(frames.allSatisfy { $0.device == .keyboard })
    let keys = Frames.keyEvents(frames)
    #expect(keys.map(\.code) == [30, 30, 42, 48, 48, 42])
    #expect(keys.map(\.value) == [1, 0, 1, 1, 0, 0])
    #expect(keys[2].offset - keys[1].offset == pacing.typingInterval)
    // Typed characters are held `typingHold`, not the longer hold clicks and chords get.
    #expect(keys[1].offset - keys[0].offset == pacing.typingHold)
    #expect(Frames.checkPressReleasePairs(frames, hold: pacing.typingHold))
}

/// A keymap that puts out-of-range codes in its answer must not reach the device.
private struct BrokenKeymap: Keymap {
    var layout: String { "broken" }
    func stroke(for c: Character) -> KeyStroke? { c == "x" ? KeyStroke(key: KeyCode(0x110)) : KeyStroke(key: KeyCode(30)) }
}

@Test func strokesOutsideTheAgentKeyboardCountAsUnmappable() {
    let c = GestureCompiler(pacing: .standard, keymap: BrokenKeymap())
    #expect(throws: Rejection.self) { try c.compile(.type(text: "axa"), context: CompileContext()) }
    #expect((try? c.compile(.type(text: "aaa"), context: CompileContext()))?.count == 6)
}
