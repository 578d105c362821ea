/// Raw frames from low-level clients: validated event by event, then paced and completed
/// like any gesture (DESIGN §3: "raw frames ... checked").
extension GestureCompiler {
    /// Why a raw frame cannot be written to an agent device of kind `device`, or nil.
    /// Only EV_KEY/EV_REL/EV_ABS/EV_MSC events of codes the agent device has; key values
    /// 0 or 1 (autorepeat is the compositor's business); no key both pressed and released,
    /// nor named twice, in one frame; SYN events never (frames end implicitly).
    public static func problem(in frame: Frame, on device: Gesture.RawDevice) -> String? {
        if frame.events.isEmpty { return "empty frame" }
        for (i, e) in frame.events.enumerated() {
            guard AgentDeviceProfile.has(e, on: device) else {
                return "event \(i) \(e) is not one the agent \(device.rawValue) has (type \(e.type), code \(e.code))"
            }
            if e.type == EV.key {
                guard e.value == 0 || e.value == 1 else { return "event \(i) \(e): key value must be 0 or 1" }
                if frame.events[..<i].contains(where: { $0.type == EV.key && $0.code == e.code }) {
                    return "event \(i) \(e): key \(e.code) appears twice in one frame (press and release are never in one frame)"
                }
            }
        }
        return nil
    }

    func compileRaw(_ device: Gesture.RawDevice, _ frames: [Frame], _ s: inout FrameScript) throws(Rejection) {
        if frames.isEmpty { throw Rejection(.badGesture, "raw gesture without frames") }
        for (i, f) in frames.enumerated() {
            if device == .keyboard {
                for e in f.events where e.type == EV.key {
                    if let m = MachineKeys.removedKey(KeyCode(e.code)) { throw MachineKeys.refusal(m, kind: "raw frame \(i)") }
                }
            }
            if let p = Self.problem(in: f, on: device) { throw Rejection(.badGesture, "raw frame \(i): \(p)") }
        }
        // Validated whole; now pace: a release of a key pressed earlier in this batch waits
        // out the minimum hold after its press.
        var pressedAt: [(code: UInt16, at: Duration)] = []
        for f in frames {
            for e in f.events where e.type == EV.key && e.value == 0 {
                if let k = pressedAt.firstIndex(where: { $0.code == e.code }) {
                    s.wait(until: pressedAt[k].at, plus: pacing.minimumHold)
                    pressedAt.remove(at: k)
                }
            }
            let startOfFrame = s.now
            switch device {
            case .keyboard:
                s.emit(.keyboard, f.events)
            case .pointer:
                // Every pointer frame says where it acts: a missing axis is filled from the
                // device's current value, and a position the kernel would drop is nudged.
                var x = s.position?.x, y = s.position?.y
                for e in f.events where e.type == EV.abs {
                    if e.code == ABS.x { x = e.value } else { y = e.value }
                }
                guard let x, let y else {
                    throw Rejection(.badGesture, "raw pointer frame without a position, and this session's pointer has none yet: include ABS_X and ABS_Y")
                }
                let p = Point(x: x, y: y)
                if s.needsReassert(p) { s.emit(.pointer, FrameScript.abs(try s.nudge(from: p))) }
                var events = FrameScript.abs(p)
                events.append(contentsOf: f.events.lazy.filter { $0.type != EV.abs })
                s.emit(.pointer, events)
                s.position = p
                s.movedByOthers = false
            }
            for e in f.events where e.type == EV.key && e.value == 1 {
                pressedAt.append((e.code, startOfFrame))
            }
        }
    }
}
