import InputMuxWire

/// The gate's answer for one gesture (DESIGN §3). Built without allocating: a rejection
/// carries only data, and `Engine.explain` turns it into a sentence when needed.
public enum GateVerdict: Hashable, Sendable {
    /// Allowed under this lease (the keyboard lease for keys, else the pointer lease).
    case allowed(LeaseID)
    case rejected(GateFailure)

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// Why the gate refused, as data.
public struct GateFailure: Error, Hashable, Sendable {
    public var code: ReasonCode
    /// The lease concerned (the paused one, the region checked against, ...).
    public var lease: LeaseID?
    /// The position that failed, for `outside_region`.
    public var point: Point?
    /// For limits: the size seen and the maximum.
    public var size: Int
    public var limit: Int

    @inlinable
    init(_ code: ReasonCode, lease: LeaseID? = nil, point: Point? = nil, size: Int = 0, limit: Int = 0) {
        self.code = code; self.lease = lease; self.point = point; self.size = size; self.limit = limit
    }
}

extension Engine {
    /// Checks a gesture without changing anything, in this order:
    /// frozen (panic) → an active lease → size limits → every position inside an active
    /// region → keys need the keyboard lease and focus evidence → the human is quiet →
    /// the rate limit. (Frozen comes first because after a panic there are no leases,
    /// and "frozen" is the answer that tells the agent what happened; sizes come before
    /// positions so a huge path costs nothing to refuse.)
    ///
    /// The allowed path allocates nothing; `muxbench core` measures it.
    public func check(_ gesture: Gesture, from session: SessionID, at now: Instant) -> GateVerdict {
        if panic.isFrozen { return .rejected(GateFailure(.frozen)) }
        guard let state = sessions[session] else { return .rejected(GateFailure(.unknownSession)) }
        guard let ids = leases.bySession[session] else { return .rejected(GateFailure(.noLease)) }

        // 1. An active lease.
        var anyActive: LeaseID?
        var inactive: LeaseID?
        for l in ids {
            if l.state == .active { anyActive = anyActive ?? l.id } else { inactive = inactive ?? l.id }
        }
        guard let firstActive = anyActive else {
            return .rejected(GateFailure(inactive == nil ? .noLease : .leaseNotActive, lease: inactive))
        }

        // 2. Sizes.
        if let f = sizeFailure(gesture) { return .rejected(f) }

        // 3. Positions.
        var pointerLease: LeaseID?
        var needsKeyboard = false
        var needsFocus = false
        let here = state.planned ?? state.pointer
        switch gesture {
        case .move(let p):
            switch region(of: p, ids) { case .success(let l): pointerLease = l; case .failure(let f): return .rejected(f) }
        case .click(let p, _, _, let mods):
            switch region(of: p ?? here, ids) { case .success(let l): pointerLease = l; case .failure(let f): return .rejected(f) }
            needsKeyboard = !mods.isEmpty
        case .mouseDown(let p, _), .mouseUp(let p, _), .scroll(let p, _, _, _):
            switch region(of: p ?? here, ids) { case .success(let l): pointerLease = l; case .failure(let f): return .rejected(f) }
        case .drag(let path, _, let mods):
            if path.isEmpty { return .rejected(GateFailure(.badGesture)) }
            for p in path {
                switch region(of: p, ids) {
                case .success(let l): pointerLease = pointerLease ?? l
                case .failure(let f): return .rejected(f)
                }
            }
            needsKeyboard = !mods.isEmpty
        case .keyChord, .keyDown, .hold, .type:
            needsKeyboard = true
            needsFocus = true
        case .keyUp:
            needsKeyboard = true
        case .wait:
            break
        case .raw(let device, let frames):
            if device == .keyboard {
                needsKeyboard = true
                needsFocus = frames.contains { f in f.events.contains { $0.type == EV.key && $0.value != 0 } }
            } else {
                switch rawPointer(frames, from: here, ids) {
                case .success(let l): pointerLease = l
                case .failure(let f): return .rejected(f)
                }
            }
        }

        // 4. Keys: the keyboard lease and evidence that focus is in its region.
        var keyboardLease: LeaseID?
        if needsKeyboard {
            for l in ids {
                guard l.state == .active, l.resources.keyboard else { continue }
                keyboardLease = l.id
                // A seat of its own has its focus put on the lease when the keys start.
                if needsFocus, state.seat == .shared {
                    if config.windowSystemFocus {
                        if !focus.windowSystemProves(l.resources.area) { return .rejected(GateFailure(.focusElsewhere, lease: l.id)) }
                    } else if !focus.proves(session, in: l.region) {
                        return .rejected(GateFailure(.focusUnproven, lease: l.id))
                    }
                }
                break
            }
            if keyboardLease == nil { return .rejected(GateFailure(.noKeyboardLease)) }
        }

        // 5. The human is quiet.
        if isPausedForHuman(session) { return .rejected(GateFailure(.pausedHuman)) }

        // 6. Rate.
        if !state.bucket.allows(at: now) { return .rejected(GateFailure(.rateLimited)) }

        return .allowed(keyboardLease ?? pointerLease ?? firstActive)
    }

    private func sizeFailure(_ g: Gesture) -> GateFailure? {
        switch g {
        case .type(let text):
            // utf8 count bounds the character count from above: count characters only
            // when it might matter.
            if text.utf8.count > config.maximumTextLength {
                let n = text.count
                if n > config.maximumTextLength { return GateFailure(.tooLarge, size: n, limit: config.maximumTextLength) }
            }
        case .drag(let path, _, _):
            if path.count > config.maximumPathPoints {
                return GateFailure(.tooLarge, size: path.count, limit: config.maximumPathPoints)
            }
        case .raw(_, let frames):
            if frames.count > config.maximumRawFrames {
                return GateFailure(.tooLarge, size: frames.count, limit: config.maximumRawFrames)
            }
            for f in frames where f.events.count > config.maximumFrameEvents {
                return GateFailure(.tooLarge, size: f.events.count, limit: config.maximumFrameEvents)
            }
        case .wait(let d), .hold(_, let d):
            if d > config.maximumWait || d < .zero {
                let ms = Int(clamping: d.nanosecondCount / 1_000_000)
                return GateFailure(.tooLarge, size: ms, limit: Int(clamping: config.maximumWait.nanosecondCount / 1_000_000))
            }
        case .keyChord(let keys, let rep):
            if keys.count > config.maximumFrameEvents || rep > config.maximumTextLength {
                return GateFailure(.tooLarge, size: keys.count * max(rep, 1), limit: config.maximumTextLength)
            }
        default:
            break
        }
        return nil
    }

    /// The active pointer lease whose region holds `p`. A point off the desktop is refused
    /// even inside a lease: after the layout shrank a lease (a window's above all) may
    /// reach past the desktop's edge, where no screen shows what a click would hit.
    private func region(of p: Point?, _ held: [Lease]) -> Result<LeaseID, GateFailure> {
        guard let p else { return .failure(GateFailure(.outsideRegion)) }
        let onDesktop = desktop.contains(p)
        var nearest: LeaseID?
        for l in held where l.state == .active && l.resources.pointer {
            if onDesktop && l.region.contains(p) { return .success(l.id) }
            nearest = nearest ?? l.id
        }
        return .failure(GateFailure(.outsideRegion, lease: nearest, point: p))
    }

    /// Raw pointer frames: ABS, buttons and wheels only, every resulting position inside.
    private func rawPointer(_ frames: [Frame], from start: Point?, _ ids: [Lease]) -> Result<LeaseID, GateFailure> {
        var x = start?.x
        var y = start?.y
        var lease: LeaseID?
        for f in frames {
            var touches = false
            for e in f.events {
                switch e.type {
                case EV.abs where e.code == ABS.x: x = e.value; touches = true
                case EV.abs where e.code == ABS.y: y = e.value; touches = true
                case EV.key where KeyCode(e.code).isButton: touches = true
                case EV.rel where e.code == REL.wheel || e.code == REL.hwheel
                    || e.code == REL.wheelHiRes || e.code == REL.hwheelHiRes:
                    touches = true
                case EV.syn, EV.msc:
                    break
                default:
                    // Relative motion would move the cursor where the gate cannot see.
                    return .failure(GateFailure(.badGesture))
                }
            }
            guard touches else { continue }
            guard let x, let y else { return .failure(GateFailure(.outsideRegion)) }
            switch region(of: Point(x: x, y: y), ids) {
            case .success(let l): lease = lease ?? l
            case .failure(let fail): return .failure(fail)
            }
        }
        if let lease { return .success(lease) }
        return .failure(GateFailure(.badGesture))
    }
}
