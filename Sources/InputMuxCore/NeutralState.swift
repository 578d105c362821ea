/// Which keys and buttons are down on each virtual device (DESIGN §4 "Neutral state").
///
/// Every frame the daemon writes to a virtual device passes through `filter`, so this is
/// what the kernel believes is held. Pause, revoke, disconnect, TTL lapse, gesture abort
/// and shutdown call `releaseAll`, so nothing is left pressed on the seat.
public struct NeutralState: Hashable, Sendable {
    /// Per device, the held keys in press order. Devices with nothing held are absent.
    private var down: [DeviceRef: [KeyCode]] = [:]

    public init() {}

    /// The frame as it may be written: duplicate presses and releases without a press are
    /// dropped (the kernel would forward the first to clients and mis-pair the second),
    /// autorepeats of keys not held too. nil if nothing is left.
    public mutating func filter(_ frame: Frame, on device: DeviceRef) -> Frame? {
        var held = down[device] ?? []
        var kept: [EvdevEvent]? = nil  // copied only once something is dropped
        for (i, e) in frame.events.enumerated() {
            var keep = true
            if e.type == EV.key {
                let k = KeyCode(e.code)
                switch e.value {
                case 0:
                    if let at = held.firstIndex(of: k) { held.remove(at: at) } else { keep = false }
                case 1:
                    if held.contains(k) { keep = false } else { held.append(k) }
                default:
                    keep = held.contains(k)
                }
            }
            if !keep && kept == nil { kept = Array(frame.events[..<i]) }
            if keep { kept?.append(e) }
        }
        down[device] = held.isEmpty ? nil : held
        if let kept {
            return kept.isEmpty ? nil : Frame(kept)
        }
        return frame.events.isEmpty ? nil : frame
    }

    /// Releases everything held on `device`, most recent press first, one release per
    /// frame (so clients see the same order a person releasing them would produce).
    public mutating func releaseAll(on device: DeviceRef) -> [Frame] {
        guard let held = down.removeValue(forKey: device) else { return [] }
        return held.reversed().map { Frame([EvdevEvent(type: EV.key, code: $0.rawValue, value: 0)]) }
    }

    /// Releases everything on every device (panic, shutdown), devices in a stable order.
    public mutating func releaseAll() -> [(device: DeviceRef, frame: Frame)] {
        let devices = down.keys.sorted { $0.description < $1.description }
        var out: [(device: DeviceRef, frame: Frame)] = []
        for d in devices {
            for f in releaseAll(on: d) { out.append((d, f)) }
        }
        return out
    }

    /// Releases both devices of a session (its end, pause or revoke).
    public mutating func releaseAll(session: SessionID) -> [(device: DeviceRef, frame: Frame)] {
        var out: [(device: DeviceRef, frame: Frame)] = []
        for d in [DeviceRef.agentKeyboard(session), .agentPointer(session)] {
            for f in releaseAll(on: d) { out.append((d, f)) }
        }
        return out
    }

    /// The keys and buttons down on `device`, in press order.
    public func held(on device: DeviceRef) -> [KeyCode] { down[device] ?? [] }

    /// Whether `body` holds for some device and what it holds. Allocates nothing.
    public func anyDevice(where body: (DeviceRef, [KeyCode]) -> Bool) -> Bool {
        for (d, keys) in down where body(d, keys) { return true }
        return false
    }

    /// Nothing is held anywhere.
    public var isNeutral: Bool { down.isEmpty }

    /// The devices holding something.
    public var devicesHolding: [DeviceRef] { Array(down.keys) }
}
