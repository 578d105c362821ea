import InputMuxCore
import Synchronization

/// What the human's input path tells the engine, handed from the passthrough thread to
/// the engine thread.
///
/// The passthrough thread has already forwarded the frame to its clone; this only feeds
/// the engine's bookkeeping (pause, focus, panic). It is a fixed ring allocated once, so
/// the passthrough path allocates nothing, and it holds the lock only to copy a few
/// words. If the engine falls behind and the ring fills, the oldest motion is what gets
/// lost: key and button events are what matter, and a full ring still reports activity.
public final class PhysicalInbox: Sendable {
    public struct Entry: Sendable {
        public var device: UInt32
        public var event: EvdevEvent
    }

    private struct Ring {
        var slots: [Entry]
        var head = 0
        var count = 0
        var overflowed = false
    }

    private let ring: Mutex<Ring>
    public let wake: WakeSignal

    public init(capacity: Int = 8192, wake: WakeSignal) {
        ring = Mutex(Ring(slots: Array(repeating: Entry(device: 0, event: .synReport), count: capacity)))
        self.wake = wake
    }

    /// Called on the passthrough thread for each event worth telling the engine.
    @inline(__always)
    public func push(device: UInt32, type: UInt16, code: UInt16, value: Int32) {
        ring.withLock { r in
            if r.count == r.slots.count {
                r.overflowed = true
                return
            }
            r.slots[(r.head + r.count) % r.slots.count] = Entry(device: device, event: EvdevEvent(type: type, code: code, value: value))
            r.count += 1
        }
    }

    /// Called on the engine thread: takes everything queued so far. `overflowed` says
    /// some events were lost (the engine treats that as human activity).
    public func drain(into out: inout [Entry]) -> Bool {
        ring.withLock { r in
            for i in 0..<r.count { out.append(r.slots[(r.head + i) % r.slots.count]) }
            r.head = (r.head + r.count) % r.slots.count
            r.count = 0
            let lost = r.overflowed
            r.overflowed = false
            return lost
        }
    }
}
