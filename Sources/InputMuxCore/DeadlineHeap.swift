/// Lease ids ordered by their next deadline: an indexed binary min-heap, so the earliest
/// deadline is read in O(1) and a deadline is set, moved or removed in O(log n). Ties
/// break by id, so the order is deterministic.
struct DeadlineHeap: Sendable {
    private struct Entry: Sendable {
        var at: Instant
        var id: LeaseID
    }

    private var heap: [Entry] = []
    /// Where each id sits in `heap`.
    private var position: [LeaseID: Int] = [:]

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline and its lease.
    var first: (at: Instant, id: LeaseID)? { heap.first.map { ($0.at, $0.id) } }

    /// The deadline set for `id`, if any.
    func deadline(of id: LeaseID) -> Instant? { position[id].map { heap[$0].at } }

    /// Sets (or moves) `id`'s deadline; `nil` removes it.
    mutating func set(_ id: LeaseID, _ at: Instant?) {
        guard let at else { return remove(id) }
        if let i = position[id] {
            let old = heap[i].at
            heap[i].at = at
            if at < old { up(i) } else if at > old { down(i) }
        } else {
            heap.append(Entry(at: at, id: id))
            position[id] = heap.count - 1
            up(heap.count - 1)
        }
    }

    mutating func remove(_ id: LeaseID) {
        guard let i = position.removeValue(forKey: id) else { return }
        let last = heap.count - 1
        if i == last { heap.removeLast(); return }
        heap[i] = heap.removeLast()
        position[heap[i].id] = i
        down(i)
        up(i)
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: Instant) -> LeaseID? {
        guard let top = heap.first, top.at <= now else { return nil }
        remove(top.id)
        return top.id
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].at < heap[b].at || (heap[a].at == heap[b].at && heap[a].id < heap[b].id)
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        position[heap[a].id] = a
        position[heap[b].id] = b
    }

    private mutating func up(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func down(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && less(l, m) { m = l }
            if r < heap.count && less(r, m) { m = r }
            if m == i { return }
            swapAt(i, m)
            i = m
        }
    }
}
