import Testing
@testable import InputMuxCore

/// The lease table's indexes against brute force: the deadline heap gives the same
/// order as sorting, and the region grid never misses an overlapping region.
@Suite struct LeaseIndexTests {
    /// A small deterministic generator (xorshift), so failures replay.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(n))
        }
    }

    @Test func theDeadlineHeapPopsInDeadlineThenIdOrderThroughSetsMovesAndRemovals() {
        var rng = Random(state: 0x9e37_79b9_7f4a_7c15)
        var heap = DeadlineHeap()
        var reference: [LeaseID: Instant] = [:]
        for step in 0..<5_000 {
            let id = LeaseID(UInt64(rng.next(300) + 1))
            switch rng.next(4) {
            case 0, 1:
                let t = Instant(nanoseconds: Int64(rng.next(1_000)))
                heap.set(id, t); reference[id] = t
            case 2:
                heap.remove(id); reference[id] = nil
            default:
                let now = Instant(nanoseconds: Int64(rng.next(1_000)))
                var popped: [LeaseID] = []
                while let p = heap.popDue(at: now) { popped.append(p) }
                let due = reference.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
                #expect(popped == due, "step \(step)")
                for d in due { reference[d] = nil }
            }
            #expect(heap.count == reference.count)
            #expect(heap.first?.at == reference.values.min(), "step \(step)")
        }
    }

    @Test func theRegionGridFindsEveryOverlappingRegion() {
        var rng = Random(state: 0x1234_5678_9abc_def1)
        var index = RegionIndex()
        var reference: [LeaseID: Region] = [:]
        func region() -> Region {
            // Mostly small, some spanning many cells, some empty, some off the desktop.
            let big = rng.next(10) == 0
            return Region(x: Int32(rng.next(2400)) - 200, y: Int32(rng.next(1400)) - 200,
                          width: Int32(big ? rng.next(2000) : rng.next(300)), height: Int32(big ? rng.next(1200) : rng.next(300)))
        }
        for step in 0..<3_000 {
            let id = LeaseID(UInt64(rng.next(400) + 1))
            if rng.next(3) == 0 {
                index.remove(id); reference[id] = nil
            } else {
                let r = region()
                index.insert(id, r); reference[id] = r
            }
            let q = region()
            var found = Set<LeaseID>()
            index.forEachCandidate(overlapping: q) { found.insert($0); return true }
            let overlapping = Set(reference.filter { $0.value.overlaps(q) }.map(\.key))
            #expect(overlapping.isSubset(of: found), "step \(step): missed \(overlapping.subtracting(found))")
            #expect(found.isSubset(of: Set(reference.keys)), "step \(step): a removed lease came back")
        }
    }
}
