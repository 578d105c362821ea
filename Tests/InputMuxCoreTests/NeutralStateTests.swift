import Testing
import InputMuxCore

private func key(_ code: UInt16, _ value: Int32) -> EvdevEvent { EvdevEvent(type: EV.key, code: code, value: value) }

@Test func duplicatePressesAndOrphanReleasesAreDropped() {
    var n = NeutralState()
    let kb = DeviceRef.agentKeyboard(SessionID(1))
    #expect(n.filter(Frame([key(30, 1)]), on: kb) == Frame([key(30, 1)]))
    #expect(n.filter(Frame([key(30, 1)]), on: kb) == nil)
    #expect(n.filter(Frame([key(31, 0)]), on: kb) == nil)
    // Mixed frames keep what is valid.
    let abs = EvdevEvent(type: EV.abs, code: ABS.x, value: 5)
    #expect(n.filter(Frame([abs, key(30, 1), key(32, 1)]), on: kb) == Frame([abs, key(32, 1)]))
    #expect(n.held(on: kb) == [KeyCode(30), KeyCode(32)])
    #expect(n.filter(Frame([key(30, 2)]), on: kb) == Frame([key(30, 2)]))  // autorepeat of a held key
    #expect(n.filter(Frame([key(33, 2)]), on: kb) == nil)
    #expect(n.filter(Frame([key(30, 0)]), on: kb) == Frame([key(30, 0)]))
    #expect(n.held(on: kb) == [KeyCode(32)])
}

@Test func releaseAllGoesInReversePressOrderOnePerFrame() {
    var n = NeutralState()
    let p = DeviceRef.agentPointer(SessionID(2)), kb = DeviceRef.agentKeyboard(SessionID(2))
    for c: UInt16 in [29, 42, 20] { _ = n.filter(Frame([key(c, 1)]), on: kb) }
    _ = n.filter(Frame([key(MouseButton.left.code, 1)]), on: p)
    let frames = n.releaseAll(on: kb)
    #expect(frames == [Frame([key(20, 0)]), Frame([key(42, 0)]), Frame([key(29, 0)])])
    #expect(n.held(on: kb).isEmpty)
    #expect(n.releaseAll(on: kb).isEmpty)
    #expect(!n.isNeutral)
    let rest = n.releaseAll(session: SessionID(2))
    #expect(rest.map(\.device) == [p])
    #expect(n.isNeutral)
}

@Test func devicesAreIndependent() {
    var n = NeutralState()
    let a = DeviceRef.agentKeyboard(SessionID(1)), b = DeviceRef.agentKeyboard(SessionID(2))
    _ = n.filter(Frame([key(30, 1)]), on: a)
    #expect(n.filter(Frame([key(30, 1)]), on: b) != nil)
    #expect(n.filter(Frame([key(30, 0)]), on: a) != nil)
    #expect(n.held(on: b) == [KeyCode(30)])
    #expect(n.releaseAll().count == 1)
}
