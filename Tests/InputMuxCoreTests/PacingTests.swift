import Testing
import InputMuxCore

@Test func standardPacingHoldsWithinWhatGTKNeeds() {
    #expect(Pacing.recommendedHold.contains(Pacing.standard.minimumHold))
    #expect(Pacing.recommendedHold.contains(Pacing.standard.typingHold))
    #expect(Pacing.standard.problem == nil)
    #expect(Pacing.unpaced.problem == nil)
    #expect(Pacing.unpaced.minimumHold == .zero)
}

@Test func invalidPacingIsExplained() {
    var p = Pacing.standard
    p.typingInterval = .milliseconds(-1)
    #expect(p.problem?.contains("typing_interval") == true)
    p = .standard
    p.typingHold = .seconds(2)
    #expect(p.problem?.contains("typing_hold") == true)
    p = .standard
    p.pixelsPerNotch = 0
    #expect(p.problem?.contains("pixels_per_notch") == true)
}

@Test func holdGestureLastsAtLeastTheMinimumHold() throws {
    let c = GestureCompiler(pacing: .standard, keymap: NoKeymap())
    for d: Duration in [.zero, .milliseconds(3), .milliseconds(500)] {
        let frames = try c.compile(.hold(keys: [.leftShift, KeyCode(30)], duration: d), context: CompileContext())
        let keys = Frames.keyEvents(frames)
        #expect(keys.map(\.code) == [42, 30, 30, 42])
        #expect(keys[2].offset == max(d, Pacing.standard.minimumHold))
    }
}

struct NoKeymap: Keymap {
    var layout: String { "none" }
    func stroke(for c: Character) -> KeyStroke? { nil }
}
