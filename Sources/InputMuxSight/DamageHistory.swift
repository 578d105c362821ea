import InputMuxCore
import struct InputMuxCore.Region

/// The latest damage a drawable reported: (when it was read, which rectangle), the
/// newest `capacity` of them. Bounded, because a video repaints without end.
///
/// What falls out is not forgotten as if it never happened: the newest dropped time is
/// kept, and every answer is at least that late, since a dropped rectangle may have
/// touched the area asked about. A settle then waits longer, never captures a change
/// half drawn.
///
/// Shared by the capture sources: X11's DAMAGE reports and wlr-screencopy's damage boxes
/// both land here.
public struct DamageHistory: Sendable {
    public let capacity: Int
    private var entries: [(at: Instant, rect: Region)] = []
    /// Where the next entry goes once the ring is full.
    private var next = 0
    /// The newest time among dropped entries.
    public private(set) var droppedUpTo: Instant?

    public init(capacity: Int = 512) {
        precondition(capacity > 0)
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    public mutating func record(_ rect: Region, at time: Instant) {
        guard !rect.isEmpty else { return }
        if entries.count < capacity {
            entries.append((time, rect))
            return
        }
        let dropped = entries[next].at
        droppedUpTo = droppedUpTo.map { max($0, dropped) } ?? dropped
        entries[next] = (time, rect)
        next = (next + 1) % capacity
    }

    /// The latest time anything overlapping `area` changed, as far as is known.
    public func lastChange(in area: Region) -> Instant? {
        var latest = droppedUpTo
        for e in entries where e.rect.overlaps(area) {
            if latest.map({ e.at > $0 }) ?? true { latest = e.at }
        }
        return latest
    }
}
