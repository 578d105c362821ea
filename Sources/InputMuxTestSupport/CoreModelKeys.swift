import InputMuxCore

/// Keys in the model: random key gestures (machine chords, focus-moving chords, keys held
/// across gestures, raw keyboard frames) and invariants 8 (no machine key or chord) and 9
/// (no ordinary key without the focus proof). The checks keep their own state from the
/// frames alone and their own chord list, so they judge the engine rather than repeat it.
extension CoreModel {
    static let ctrl: Set<UInt16> = [29, 97]
    static let alt: Set<UInt16> = [56, 100]
    static let focusModifiers: Set<UInt16> = [56, 100, 125, 126]
    static let modifiers: Set<UInt16> = [29, 97, 42, 54, 56, 100, 125, 126]
    /// Keys that act on the machine (power, sleep, wake-up, suspend, radios): never on an agent keyboard.
    static let machineKeys: Set<UInt16> = [116, 142, 143, 205, 237, 238, 239, 246, 247]
    /// The forbidden chords, written out: (needs Ctrl, needs Alt, key, name).
    static let machineChords: [(ctrl: Bool, alt: Bool, key: UInt16, name: String)] =
        [(false, true, 99, "alt+sysrq"), (true, true, 111, "ctrl+alt+delete"), (true, true, 83, "ctrl+alt+kp_delete"),
         (true, true, 14, "ctrl+alt+backspace")]
        + [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88].enumerated().map { (true, true, UInt16($0.element), "ctrl+alt+f\($0.offset + 1)") }

    /// Chords agents try: machine ones, focus-moving ones, ordinary ones.
    static let chordTemplates: [[UInt16]] = [
        [29, 56, 111], [56, 99], [56, 99, 31], [29, 56, 60], [29, 56, 14], [97, 100, 83], [29, 56, 59], [29, 100, 88],
        [56, 15], [125], [56, 62], [56, 30, 48], [29, 46], [99], [42, 30], [116], [247],
    ]
    /// Keys raw frames and key_down/key_up use.
    static let keyPool: [UInt16] = [29, 56, 100, 125, 42, 99, 111, 83, 14, 60, 88, 15, 30, 31, 32, 116]

    mutating func randomKeyGesture(for s: SessionID) -> Gesture {
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next(upTo: UInt64(a.count)))] }
        // A session whose policy allows ctrl+alt+f2 uses it now and then.
        if !(allowedChords[s] ?? []).isEmpty, rng.chance(50) { return .keyChord(keys: [.leftCtrl, .leftAlt, KeyCode(60)], repeat: 1) }
        switch rng.next(upTo: 10) {
        case 0, 1, 2:
            return .keyChord(keys: pick(Self.chordTemplates).map(KeyCode.init), repeat: rng.chance(15) ? 2 : 1)
        case 3:
            return .hold(keys: pick(Self.chordTemplates).map(KeyCode.init), duration: .milliseconds(Int64(rng.next(upTo: 80))))
        case 4, 5: return .keyDown(KeyCode(pick(Self.keyPool)))
        case 6: return .keyUp(KeyCode(pick(Self.keyPool)))
        default:
            // Raw frames: presses and releases in random order, one key event per frame, so
            // chords complete across frames and with keys held from earlier gestures.
            var down: [UInt16] = []
            var frames: [Frame] = []
            for _ in 0..<(1 + Int(rng.next(upTo: 6))) {
                if !down.isEmpty && rng.chance(35) {
                    let k = down.remove(at: Int(rng.next(upTo: UInt64(down.count))))
                    frames.append(Frame([EvdevEvent(type: EV.key, code: k, value: 0)]))
                } else {
                    let k = pick(Self.keyPool)
                    if down.contains(k) { continue }
                    down.append(k)
                    frames.append(Frame([EvdevEvent(type: EV.key, code: k, value: 1)]))
                }
            }
            if rng.chance(60) {
                for k in down.reversed() { frames.append(Frame([EvdevEvent(type: EV.key, code: k, value: 0)])) }
            }
            return .raw(device: .keyboard, frames: frames.isEmpty ? [Frame([EvdevEvent(type: EV.key, code: 30, value: 1)])] : frames)
        }
    }

    /// Invariants 8 and 9 for one frame written to session `s`'s keyboard, checked before
    /// the shadow state takes it in.
    mutating func checkKeyboard(_ frame: Frame, session s: SessionID, before: Snapshot, after: Snapshot) {
        var held = shadow.held(on: .agentKeyboard(s)).map(\.rawValue)
        for e in frame.events where e.type == EV.key {
            if e.value == 0 {
                held.removeAll { $0 == e.code }
                focusModifierReleased(e.code, by: s)
                continue
            }
            guard e.value == 1, !held.contains(e.code) else { continue }
            held.append(e.code)
            tally["key pressed", default: 0] += 1
            // 8. Machine keys and chords.
            if Self.machineKeys.contains(e.code) {
                violation("machine key \(e.code) pressed on \(s)'s keyboard")
            }
            let otherModifiers = shadow.devicesHolding.filter { $0 != .agentKeyboard(s) && $0.isAgentKeyboard }
                .flatMap { shadow.held(on: $0).map(\.rawValue) }
            func down(_ k: UInt16) -> Bool { held.contains(k) || (Self.modifiers.contains(k) && otherModifiers.contains(k)) }
            for c in Self.machineChords where !(allowedChords[s] ?? []).contains(c.name) {
                let involved = e.code == c.key || (c.ctrl && Self.ctrl.contains(e.code)) || (c.alt && Self.alt.contains(e.code))
                guard involved, down(c.key) else { continue }
                if c.ctrl && !Self.ctrl.contains(where: down) { continue }
                if c.alt && !Self.alt.contains(where: down) { continue }
                violation("machine chord \(c.name) completed on \(s)'s keyboard by key \(e.code) (held \(held), other keyboards \(otherModifiers))")
            }
            if (allowedChords[s] ?? []).contains("ctrl+alt+f2"), e.code == 60, held.contains(where: Self.ctrl.contains),
               held.contains(where: Self.alt.contains) {
                tally["allowed machine chord", default: 0] += 1
            }
            // 9. The focus proof, for ordinary keys.
            if Self.focusModifiers.contains(e.code) {
                var m = focusModifiers[s] ?? ([], false)
                if m.held.isEmpty { m.pressed = false }
                if !m.held.contains(e.code) { m.held.append(e.code) }
                focusModifiers[s] = m
                continue
            }
            if Self.modifiers.contains(e.code) { continue }
            let keyboardRegions = (before.keyboardRegions(of: s) + after.keyboardRegions(of: s))
            if focusHolder != s || !keyboardRegions.contains(where: { r in focusClick.map(r.contains) ?? false }) {
                violation("key \(e.code) pressed on \(s)'s keyboard without the focus proof (focus last moved by "
                          + "\(focusHolder.map { "\($0)'s click at \(focusClick.map { "\($0)" } ?? "?")" } ?? "a chord or the human"); "
                          + "keyboard regions \(keyboardRegions))")
            } else {
                tally["key with focus proof", default: 0] += 1
            }
            if var m = focusModifiers[s], !m.held.isEmpty, !m.pressed {
                // The chord's own key (Alt+Tab's Tab) moves the focus: nobody's proof holds after it.
                m.pressed = true
                focusModifiers[s] = m
                focusMoved()
            }
        }
    }

    mutating func focusModifierReleased(_ code: UInt16, by s: SessionID) {
        guard var m = focusModifiers[s], let i = m.held.firstIndex(of: code) else { return }
        m.held.remove(at: i)
        // Alt or Super released alone: the menu bar or the overview takes the focus.
        if m.held.isEmpty && !m.pressed { focusMoved() }
        focusModifiers[s] = m
    }

    mutating func focusMoved() {
        focusHolder = nil
        focusClick = nil
    }

    /// A button press on an agent pointer: focus goes where the device's ABS values say.
    mutating func pointerFocus(_ frame: Frame, session s: SessionID) {
        guard frame.events.contains(where: { $0.type == EV.key && $0.value == 1 }) else { return }
        let at = pointerAt[s] ?? (nil, nil)
        focusHolder = s
        focusClick = at.x.flatMap { x in at.y.map { Point(x: x, y: $0) } }
    }

    /// The human's button press or Alt/Super press moves the focus.
    mutating func humanFocus(_ frame: Frame) {
        for e in frame.events where e.type == EV.key && e.value == 1 {
            if KeyCode(e.code).isButton || Self.focusModifiers.contains(e.code) { focusMoved() }
        }
    }
}

extension CoreModel.Snapshot {
    func keyboardRegions(of s: SessionID) -> [Region] {
        leases.values.filter { $0.holder == s && $0.state == .active && $0.resources.keyboard }.map(\.region)
    }
}

extension DeviceRef {
    var isAgentKeyboard: Bool { if case .agentKeyboard = self { true } else { false } }
}
