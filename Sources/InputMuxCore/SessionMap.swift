/// A map keyed by session, kept as two sorted arrays.
///
/// The gate looks a session up on every decision, and `Dictionary` spends most of such a
/// lookup seeding and finalizing SipHash. Sessions number in the hundreds at most and
/// come and go rarely, so a binary search over sorted ids is several times faster, and it
/// iterates in session order, which keeps the engine's output deterministic.
public struct SessionMap<Value: Sendable>: Sendable, Sequence {
    /// Ascending.
    public private(set) var keys: [SessionID] = []
    /// `values[i]` belongs to `keys[i]`.
    public private(set) var values: [Value] = []

    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `s` in `keys`, or where it would be inserted (found = false).
    @inlinable
    func search(_ s: SessionID) -> (index: Int, found: Bool) {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let k = keys[mid].rawValue
            if k == s.rawValue { return (mid, true) }
            if k < s.rawValue { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    public subscript(s: SessionID) -> Value? {
        get {
            let (i, found) = search(s)
            return found ? values[i] : nil
        }
        set {
            let (i, found) = search(s)
            switch (found, newValue) {
            case (true, let v?): values[i] = v
            case (true, nil): keys.remove(at: i); values.remove(at: i)
            case (false, let v?): keys.insert(s, at: i); values.insert(v, at: i)
            case (false, nil): break
            }
        }
    }

    /// Changes the value for `s` in place (no copy of the value); nil if absent.
    @discardableResult
    public mutating func update<R>(_ s: SessionID, _ body: (inout Value) throws -> R) rethrows -> R? {
        let (i, found) = search(s)
        guard found else { return nil }
        return try body(&values[i])
    }

    public mutating func removeAll() {
        keys.removeAll()
        values.removeAll()
    }

    public func makeIterator() -> Zip2Sequence<[SessionID], [Value]>.Iterator {
        zip(keys, values).makeIterator()
    }
}
