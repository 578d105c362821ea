import InputMuxCore

/// Connections that have not said hello yet, oldest first: each must say it within the
/// hello timeout, and at most `maximum` may wait at once on both sockets together.
///
/// Over the cap, the oldest pending connection of the uid that holds the most goes, so
/// one uid holding hundreds of silent connections pushes out its own, and a new agent
/// of anyone (that one uid included) still gets in. Entries are in accept order, which
/// is also deadline order (one timeout for all). At most `maximum` entries: the linear
/// scans stay small.
struct PendingHellos {
    struct Entry: Hashable {
        /// The connection's serial number (fds are reused; serials are not).
        var serial: UInt64
        var fd: Int32
        var uid: UInt32
        var deadline: Instant
    }

    let timeout: Duration
    let maximum: Int
    private(set) var entries: [Entry] = []

    init(timeout: Duration, maximum: Int) {
        self.timeout = timeout
        self.maximum = max(1, maximum)
    }

    var count: Int { entries.count }
    var nextDeadline: Instant? { entries.first?.deadline }

    /// Adds a connection accepted at `now`; returns the one that must be closed to stay
    /// within the cap, if any.
    mutating func add(serial: UInt64, fd: Int32, uid: UInt32, at now: Instant) -> Entry? {
        var evicted: Entry?
        if entries.count >= maximum {
            var counts: [UInt32: Int] = [:]
            for e in entries { counts[e.uid, default: 0] += 1 }
            // The uid with the most; ties go to the uid of the oldest among them.
            let most = counts.values.max() ?? 0
            if let i = entries.firstIndex(where: { counts[$0.uid] == most }) {
                evicted = entries.remove(at: i)
            }
        }
        entries.append(Entry(serial: serial, fd: fd, uid: uid, deadline: now + timeout))
        return evicted
    }

    /// The connection said hello, or closed.
    mutating func remove(serial: UInt64) {
        if let i = entries.firstIndex(where: { $0.serial == serial }) { entries.remove(at: i) }
    }

    /// Removes and returns the connections whose deadline has passed.
    mutating func expired(at now: Instant) -> [Entry] {
        let n = entries.prefix { $0.deadline <= now }.count
        guard n > 0 else { return [] }
        defer { entries.removeFirst(n) }
        return Array(entries.prefix(n))
    }
}
