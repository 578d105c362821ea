/// Lease ids by where their region lies, so a conflict search looks only at the leases
/// near the requested region instead of every one (issue 15: the lease table was
/// quadratic). A grid of square cells: a region is filed under every cell it touches;
/// a region touching more than `maximumCells` cells (a large one) is kept in a short
/// list of its own that every search reads. A search for a large region reads every
/// entry, which is no slower than a flat scan.
struct RegionIndex: Sendable {
    /// Cell side in logical pixels.
    static let cellSize: Int64 = 128
    /// A region filed under more cells than this is "large".
    static let maximumCells: Int64 = 64

    private struct Cell: Hashable, Sendable {
        var x: Int64
        var y: Int64
    }

    private var cells: [Cell: [LeaseID]] = [:]
    private var large: [LeaseID] = []
    private var regions: [LeaseID: Region] = [:]

    var count: Int { regions.count }

    /// The cells `r` touches, or `nil` when it touches more than `maximumCells` (or none).
    private static func span(_ r: Region) -> (x: ClosedRange<Int64>, y: ClosedRange<Int64>)? {
        guard !r.isEmpty else { return nil }
        func floorDiv(_ a: Int64) -> Int64 { a >= 0 ? a / cellSize : -((-a + cellSize - 1) / cellSize) }
        let x0 = floorDiv(Int64(r.x)), x1 = floorDiv(Int64(r.x) + Int64(r.width) - 1)
        let y0 = floorDiv(Int64(r.y)), y1 = floorDiv(Int64(r.y) + Int64(r.height) - 1)
        guard (x1 - x0 + 1) * (y1 - y0 + 1) <= maximumCells else { return nil }
        return (x0...x1, y0...y1)
    }

    mutating func insert(_ id: LeaseID, _ r: Region) {
        if regions[id] != nil { remove(id) }
        regions[id] = r
        guard !r.isEmpty else { return }   // overlaps nothing; kept only to be removed
        guard let (xs, ys) = Self.span(r) else { large.append(id); return }
        for y in ys { for x in xs { cells[Cell(x: x, y: y), default: []].append(id) } }
    }

    mutating func remove(_ id: LeaseID) {
        guard let r = regions.removeValue(forKey: id), !r.isEmpty else { return }
        guard let (xs, ys) = Self.span(r) else {
            if let i = large.firstIndex(of: id) { large.remove(at: i) }
            return
        }
        for y in ys {
            for x in xs {
                let c = Cell(x: x, y: y)
                guard var list = cells[c], let i = list.firstIndex(of: id) else { continue }
                list.remove(at: i)
                cells[c] = list.isEmpty ? nil : list
            }
        }
    }

    /// Calls `body` with every id whose region may overlap `r` (some more than once),
    /// stopping when `body` returns false.
    func forEachCandidate(overlapping r: Region, _ body: (LeaseID) -> Bool) {
        guard !r.isEmpty else { return }
        guard let (xs, ys) = Self.span(r) else {
            for id in regions.keys where !body(id) { return }
            return
        }
        for id in large where !body(id) { return }
        for y in ys {
            for x in xs {
                guard let list = cells[Cell(x: x, y: y)] else { continue }
                for id in list where !body(id) { return }
            }
        }
    }
}
