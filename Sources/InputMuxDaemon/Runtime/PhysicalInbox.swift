import InputMuxCore
import Synchronization

/// What the human's input path tells the engine, handed from the passthrough thread to
/// the engine thread.
///
/// The passthrough thread has already forwarded the frame to its clone; this only feeds
/// the engine's bookkeeping (pause, focus, panic). It is a fixed ring allocated once, with
/// one writer (the passthrough thread) and one reader (the engine thread) that meet only
/// through two atomic counters: the passthrough thread never takes a lock the engine
/// could be holding, so it never waits for agent work, even when the engine thread is
/// preempted in the middle of a drain. If the engine falls behind and the ring fills, the
/// newest events are what gets lost: the frames already queued still reach the engine,
/// and a full ring still reports activity.
public final class PhysicalInbox: @unchecked Sendable {
    // @unchecked: `slots` is shared memory. The passthrough thread writes only the slots
    // between `read` and `written` + capacity, and publishes each with a releasing store
    // of `written`; the engine thread reads only slots below the `written` it acquired, and
    // hands them back with a releasing store of `read`. `push` must only ever be called on
    // one thread, and `drain` on one (other) thread.

    public struct Entry: Sendable {
        public var device: UInt32
        public var event: EvdevEvent
    }

    private let slots: UnsafeMutablePointer<Entry>
    public let capacity: Int
    /// Entries pushed so far (only the passthrough thread stores it).
    private let written = Atomic<Int>(0)
    /// Entries drained so far (only the engine thread stores it).
    private let read = Atomic<Int>(0)
    private let overflowed = Atomic<Bool>(false)
    public let wake: WakeSignal

    public init(capacity: Int = 8192, wake: WakeSignal) {
        precondition(capacity > 0, "an inbox needs room for at least one event")
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Entry(device: 0, event: .synReport), count: capacity)
        self.wake = wake
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// Called on the passthrough thread for each event worth telling the engine. Two
    /// atomic loads, one store into the ring and one atomic store: no lock, no allocation.
    @inline(__always)
    public func push(device: UInt32, type: UInt16, code: UInt16, value: Int32) {
        let w = written.load(ordering: .relaxed)
        if w - read.load(ordering: .acquiring) >= capacity {
            overflowed.store(true, ordering: .releasing)
            return
        }
        slots[w % capacity] = Entry(device: device, event: EvdevEvent(type: type, code: code, value: value))
        written.store(w + 1, ordering: .releasing)
    }

    /// Called on the engine thread: takes everything queued so far, in order. The result
    /// says some events were lost (the engine treats that as human activity).
    public func drain(into out: inout [Entry]) -> Bool {
        let r = read.load(ordering: .relaxed)
        let w = written.load(ordering: .acquiring)
        for i in r..<w { out.append(slots[i % capacity]) }
        read.store(w, ordering: .releasing)
        return overflowed.exchange(false, ordering: .acquiringAndReleasing)
    }
}
