import Testing
import InputMuxCore
@testable import InputMuxTestSupport

/// The model-based random test (DESIGN §9.1): 12 agents, random requests and gestures,
/// human input, disconnects, operator verbs and clock jumps; every invariant of
/// `CoreModel` checked after every step. Seeds are fixed so a failure replays exactly;
/// 102 found the click whose button was already down (SwallowedClickTests).
@Test(arguments: [UInt64(1), 2, 3, 4, 5, 102])
func randomModelKeepsEveryInvariant(seed: UInt64) {
    var model = CoreModel(seed: seed, agents: 12)
    model.run(steps: 20_000)
    model.finish()
    #expect(model.violations.isEmpty, "seed \(seed): \(model.violations.joined(separator: "\n"))")
    // The run exercised what it claims to: every kind of step happened, often.
    for (kind, least) in [("acquire", 1000), ("release", 500), ("heartbeat", 200), ("gesture", 3000), ("physical", 500),
                          ("disconnect", 100), ("operator", 200), ("panic", 5), ("unfreeze", 5), ("connect", 100),
                          ("gesture done", 500), ("gesture aborted", 20), ("rejected outside_region", 100),
                          ("rejected paused_human", 50), ("rejected focus_unproven", 20),
                          // Keys: machine chords refused, chords allowed by policy, keys under
                          // the focus proof, drags over several regions, reassignments.
                          ("key gesture", 500), ("rejected machine_key", 20), ("key pressed", 80),
                          ("key with focus proof", 40), ("allowed machine chord", 1), ("multi-region drag", 20),
                          ("reassign", 20)] {
        #expect(model.tally[kind, default: 0] >= least, "seed \(seed): only \(model.tally[kind, default: 0]) \(kind) steps")
    }
}

/// The run reaches the states the invariants are about: held and queued leases, frames.
@Test func modelRunReachesGrantsQueuesAndFrames() {
    var model = CoreModel(seed: 42, agents: 12)
    var sawActive = false, sawQueue = false, sawKeyboardHeld = false
    for _ in 0..<5_000 {
        model.step()
        let leases = model.engine.leases.leases.values
        if leases.contains(where: { $0.state == .active }) { sawActive = true }
        if leases.contains(where: { $0.state == .active && $0.resources.keyboard }) { sawKeyboardHeld = true }
        if !model.engine.leases.queue.isEmpty { sawQueue = true }
    }
    #expect(sawActive && sawQueue && sawKeyboardHeld)
    #expect(model.emittedAgentFrames > 300)
    #expect(model.violations.isEmpty, "\(model.violations.joined(separator: "\n"))")
}

/// The checks can fail: a frame outside every region, a double press, or a held key left
/// after a disconnect, slipped into the engine's output, are each caught.
@Test func modelCatchesATamperedOutput() {
    /// The violations the tamper caused, joined (several invariants may see one tamper).
    func firstViolation(_ tamper: @escaping (inout CollectingOutput, Engine) -> Bool) -> String? {
        var model = CoreModel(seed: 9, agents: 12)
        var done = false
        for _ in 0..<5_000 where !done {
            model.step { out, engine in if !done { done = tamper(&out, engine) } }
        }
        #expect(done, "the tamper never applied")
        model.finish()
        return model.violations.isEmpty ? nil : model.violations.joined(separator: "\n")
    }
    let outside = firstViolation { out, engine in
        guard let l = engine.leases.leases.values.first(where: { $0.state == .active }) else { return false }
        let p = Point(x: l.region.x - 1, y: l.region.y)
        out.emit(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: p.x), EvdevEvent(type: EV.abs, code: ABS.y, value: p.y),
                        EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 1)]), to: .agentPointer(l.holder))
        return true
    }
    #expect(outside?.contains("outside its active regions") == true, "\(outside ?? "none")")
    let doublePress = firstViolation { out, engine in
        guard let l = engine.leases.leases.values.first(where: { $0.state == .active }) else { return false }
        let press = Frame([EvdevEvent(type: EV.key, code: 30, value: 1)])
        out.emit(press, to: .agentKeyboard(l.holder))
        out.emit(press, to: .agentKeyboard(l.holder))
        return true
    }
    #expect(doublePress?.contains("presses twice") == true, "\(doublePress ?? "none")")
    let leftHeld = firstViolation { out, engine in
        guard case .device(.destroy(let s))? = out.records.last(where: { if case .device(.destroy) = $0 { true } else { false } }) else { return false }
        out.emit(Frame([EvdevEvent(type: EV.key, code: 31, value: 1)]), to: .agentKeyboard(s))
        return true
    }
    #expect(leftHeld?.contains("still holds") == true, "\(leftHeld ?? "none")")
    let lostReply = firstViolation { out, _ in
        guard let i = out.records.firstIndex(where: { if case .reply(.operator, _, _) = $0 { true } else { false } }) else { return false }
        out.records.remove(at: i)
        return true
    }
    #expect(lostReply?.contains("never got a reply") == true, "\(lostReply ?? "none")")
    // 8: Ctrl+Alt+Delete slipped onto a keyboard.
    let machine = firstViolation { out, engine in
        guard let l = engine.leases.leases.values.first(where: { $0.state == .active }) else { return false }
        for k: UInt16 in [29, 56, 111] { out.emit(Frame([EvdevEvent(type: EV.key, code: k, value: 1)]), to: .agentKeyboard(l.holder)) }
        for k: UInt16 in [111, 56, 29] { out.emit(Frame([EvdevEvent(type: EV.key, code: k, value: 0)]), to: .agentKeyboard(l.holder)) }
        return true
    }
    #expect(machine?.contains("machine chord ctrl+alt+delete completed") == true, "\(machine ?? "none")")
    // 9: a letter typed by a session that holds the keyboard but whose click is not the
    // latest focus change.
    let unproven = firstViolation { out, engine in
        guard let l = engine.leases.leases.values.first(where: { $0.state == .active && $0.resources.keyboard }),
              engine.focus.holder != l.holder else { return false }
        out.emit(Frame([EvdevEvent(type: EV.key, code: 30, value: 1)]), to: .agentKeyboard(l.holder))
        out.emit(Frame([EvdevEvent(type: EV.key, code: 30, value: 0)]), to: .agentKeyboard(l.holder))
        return true
    }
    #expect(unproven?.contains("without the focus proof") == true, "\(unproven ?? "none")")
}

/// The landing check sees what the frame check cannot: a press whose ABS values equal the
/// device's own (so the kernel drops them) lands wherever someone else left the cursor.
@Test func modelCatchesAClickThatLandsWhereSomeoneElseLeftTheCursor() {
    var model = CoreModel(seed: 11, agents: 12)
    var tampered = false
    for _ in 0..<20_000 where !tampered {
        // A session whose device already holds a point of its region, while the seat
        // cursor is outside that region: the missing-nudge situation.
        let candidate = model.engine.leases.leases.values.sorted { $0.id < $1.id }.first { l in
            guard l.state == .active, let held = model.kernelAbs[l.holder] else { return false }
            return l.region.contains(held) && !l.region.contains(model.seatCursor)
        }
        guard let l = candidate, let held = model.kernelAbs[l.holder] else {
            model.step()
            continue
        }
        model.step { out, _ in
            out.emit(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: held.x), EvdevEvent(type: EV.abs, code: ABS.y, value: held.y),
                            EvdevEvent(type: EV.key, code: MouseButton.left.code, value: 1)]), to: .agentPointer(l.holder))
        }
        tampered = true
    }
    #expect(tampered, "the missing-nudge situation never arose")
    #expect(model.violations.contains { $0.contains("lands at the seat cursor") }, "\(model.violations)")
    #expect(!model.violations.contains { $0.contains("outside its active regions [") && !$0.contains("lands at") })
}
