// TEMPORARY stand-ins for the gestures engineer's types (branch `gestures`), written
// against the agreed signatures so the engine builds and its scenarios run before those
// land. Delete this file when `git merge main` brings the real ones.

public struct Pacing: Hashable, Sendable {
    public var minimumHold: Duration = .milliseconds(15)
    public var doubleClickInterval: Duration = .milliseconds(60)
    public var typingInterval: Duration = .milliseconds(10)
    public var moveSettle: Duration = .milliseconds(5)
    public var dragStepInterval: Duration = .milliseconds(8)
    public var pixelsPerNotch: Int32 = 40
    public init() {}
    public static let standard = Pacing()
    public static let unpaced: Pacing = {
        var p = Pacing()
        p.minimumHold = .zero; p.doubleClickInterval = .zero; p.typingInterval = .zero
        p.moveSettle = .zero; p.dragStepInterval = .zero
        return p
    }()
}

public struct KeyStroke: Hashable, Sendable {
    public var key: KeyCode
    public var modifiers: [KeyCode]
    public init(key: KeyCode, modifiers: [KeyCode] = []) { self.key = key; self.modifiers = modifiers }
}

public protocol Keymap: Sendable {
    var layout: String { get }
    func stroke(for c: Character) -> KeyStroke?
}

public struct USKeymap: Keymap {
    public init() {}
    public var layout: String { "us" }
    public func stroke(for c: Character) -> KeyStroke? {
        let letters: [Character: UInt16] = [
            "a": 30, "b": 48, "c": 46, "d": 32, "e": 18, "f": 33, "g": 34, "h": 35, "i": 23, "j": 36,
            "k": 37, "l": 38, "m": 50, "n": 49, "o": 24, "p": 25, "q": 16, "r": 19, "s": 31, "t": 20,
            "u": 22, "v": 47, "w": 17, "x": 45, "y": 21, "z": 44, " ": 57,
        ]
        if let k = letters[c] { return KeyStroke(key: KeyCode(k)) }
        if let lower = c.lowercased().first, c.isUppercase, let k = letters[lower] {
            return KeyStroke(key: KeyCode(k), modifiers: [.leftShift])
        }
        return nil
    }
}

public struct TimedFrame: Hashable, Sendable {
    public var offset: Duration
    public var device: Gesture.RawDevice
    public var frame: Frame
    public init(offset: Duration, device: Gesture.RawDevice, frame: Frame) {
        self.offset = offset; self.device = device; self.frame = frame
    }
}

public struct CompileContext {
    public var pointerPosition: Point?
    public var cursorMovedByOthers: Bool
    public var region: Region?
    public init(pointerPosition: Point?, cursorMovedByOthers: Bool, region: Region?) {
        self.pointerPosition = pointerPosition; self.cursorMovedByOthers = cursorMovedByOthers; self.region = region
    }
}

public struct GestureCompiler: Sendable {
    public var pacing: Pacing
    public var keymap: any Keymap
    public init(pacing: Pacing, keymap: any Keymap) { self.pacing = pacing; self.keymap = keymap }

    public func compile(_ g: Gesture, context: CompileContext) throws(Rejection) -> [TimedFrame] {
        var out: [TimedFrame] = []
        var t = Duration.zero
        func add(_ d: Gesture.RawDevice, _ e: [EvdevEvent], after: Duration = .zero) {
            t += after; out.append(TimedFrame(offset: t, device: d, frame: Frame(e)))
        }
        func abs(_ p: Point) -> [EvdevEvent] {
            [EvdevEvent(type: EV.abs, code: ABS.x, value: p.x), EvdevEvent(type: EV.abs, code: ABS.y, value: p.y)]
        }
        func position(_ p: Point?) {
            let target = p ?? context.pointerPosition
            guard let target else { return }
            if context.pointerPosition == target {
                guard context.cursorMovedByOthers else { return }
                var n = target
                if let r = context.region, !r.contains(Point(x: target.x + 1, y: target.y)) { n.x -= 1 } else { n.x += 1 }
                add(.pointer, abs(n)); add(.pointer, abs(target), after: pacing.moveSettle)
            } else {
                add(.pointer, abs(target))
            }
            t += pacing.moveSettle
        }
        func key(_ k: KeyCode, _ v: Int32) -> [EvdevEvent] { [EvdevEvent(type: EV.key, code: k.rawValue, value: v)] }
        switch g {
        case .move(let p): position(p)
        case .click(let p, let b, let count, let mods):
            guard (1...3).contains(count) else { throw Rejection(.badGesture, "click count \(count) is not 1, 2 or 3") }
            position(p)
            for m in mods { add(.keyboard, key(m, 1)) }
            for i in 0..<count {
                add(.pointer, key(KeyCode(b.code), 1), after: i == 0 ? .zero : pacing.doubleClickInterval)
                add(.pointer, key(KeyCode(b.code), 0), after: pacing.minimumHold)
            }
            for m in mods.reversed() { add(.keyboard, key(m, 0)) }
        case .mouseDown(let p, let b): position(p); add(.pointer, key(KeyCode(b.code), 1))
        case .mouseUp(let p, let b): position(p); add(.pointer, key(KeyCode(b.code), 0))
        case .drag(let path, let b, let mods):
            guard let first = path.first else { throw Rejection(.badGesture, "drag path is empty") }
            position(first)
            for m in mods { add(.keyboard, key(m, 1)) }
            add(.pointer, key(KeyCode(b.code), 1))
            for p in path.dropFirst() { add(.pointer, abs(p), after: pacing.dragStepInterval) }
            add(.pointer, key(KeyCode(b.code), 0), after: pacing.minimumHold)
            for m in mods.reversed() { add(.keyboard, key(m, 0)) }
        case .scroll(let p, let dx, let dy, _):
            position(p)
            var e: [EvdevEvent] = []
            if dy != 0 { e.append(EvdevEvent(type: EV.rel, code: REL.wheel, value: -dy)) }
            if dx != 0 { e.append(EvdevEvent(type: EV.rel, code: REL.hwheel, value: dx)) }
            if !e.isEmpty { add(.pointer, e) }
        case .keyChord(let keys, let rep):
            for r in 0..<max(1, rep) {
                for (i, k) in keys.enumerated() { add(.keyboard, key(k, 1), after: i == 0 && r > 0 ? pacing.typingInterval : .zero) }
                t += pacing.minimumHold
                for k in keys.reversed() { add(.keyboard, key(k, 0)) }
            }
        case .keyDown(let k): add(.keyboard, key(k, 1))
        case .keyUp(let k): add(.keyboard, key(k, 0))
        case .hold(let keys, let d):
            for k in keys { add(.keyboard, key(k, 1)) }
            t += d
            for k in keys.reversed() { add(.keyboard, key(k, 0)) }
        case .type(let text):
            var strokes: [KeyStroke] = []
            for (i, c) in text.enumerated() {
                guard let s = keymap.stroke(for: c) else {
                    throw Rejection(.unmappableText, "character \(i) cannot be typed with layout \(keymap.layout)")
                }
                strokes.append(s)
            }
            for s in strokes {
                for m in s.modifiers { add(.keyboard, key(m, 1)) }
                add(.keyboard, key(s.key, 1))
                add(.keyboard, key(s.key, 0), after: pacing.minimumHold)
                for m in s.modifiers.reversed() { add(.keyboard, key(m, 0)) }
                t += pacing.typingInterval
            }
        case .wait: break
        case .raw(let d, let frames):
            for f in frames { add(d, f.events, after: out.isEmpty ? .zero : pacing.minimumHold) }
        }
        return out
    }
}

public struct NeutralState: Sendable {
    private var down: [DeviceRef: [KeyCode]] = [:]
    public init() {}
    public mutating func filter(_ frame: Frame, on device: DeviceRef) -> Frame? {
        var kept: [EvdevEvent] = []
        for e in frame.events {
            if e.type == EV.key {
                let k = KeyCode(e.code)
                var held = down[device, default: []]
                if e.value == 1 {
                    if held.contains(k) { continue }
                    held.append(k)
                } else if e.value == 0 {
                    guard let i = held.firstIndex(of: k) else { continue }
                    held.remove(at: i)
                }
                down[device] = held
            }
            kept.append(e)
        }
        return kept.isEmpty ? nil : Frame(kept)
    }
    public mutating func releaseAll(on device: DeviceRef) -> [Frame] {
        let held = down[device] ?? []
        down[device] = nil
        return held.reversed().map { Frame([EvdevEvent(type: EV.key, code: $0.rawValue, value: 0)]) }
    }
    public func held(on device: DeviceRef) -> [KeyCode] { down[device] ?? [] }
}

public struct RedactedText: Hashable, Sendable {
    public var length: Int
    public var hash: String
}

public struct TextRedactor: Sendable {
    var key: [UInt8]
    public init(key: [UInt8]) { self.key = key }
    public func redact(_ s: String) -> RedactedText {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key + Array(s.utf8) { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return RedactedText(length: s.count, hash: String(h, radix: 16))
    }
}

public struct AuditEvent: Hashable, Sendable {
    public enum Decision: String, Hashable, Sendable {
        case allowed, rejected, queued, granted, pending, ended, paused, resumed, completed, aborted
        case connected, disconnected, approved, denied, panic, reassigned
    }
    public var time: Instant
    public var sequence: UInt64 = 0
    public var identity: AgentIdentity?
    public var lease: LeaseID?
    public var action: String
    public var points: [Point]
    public var decision: Decision
    public var reason: ReasonCode?
    public var message: String
    public var text: RedactedText?
    public init(time: Instant, identity: AgentIdentity?, lease: LeaseID?, action: String, points: [Point] = [],
                decision: Decision, reason: ReasonCode?, message: String, text: RedactedText? = nil) {
        self.time = time; self.identity = identity; self.lease = lease; self.action = action; self.points = points
        self.decision = decision; self.reason = reason; self.message = message; self.text = text
    }
}
