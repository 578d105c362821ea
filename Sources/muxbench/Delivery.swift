/// What reached one window against what was meant for it, as characters: the window's
/// own text in order is the longest common subsequence of the two; what the window
/// received beyond it was misdelivered (another's characters, or its own repeated), what
/// its text has beyond it is missing.
struct Delivery: Sendable, Equatable {
    var misdelivered = 0
    var missing = 0

    init(misdelivered: Int = 0, missing: Int = 0) {
        self.misdelivered = misdelivered
        self.missing = missing
    }

    init(expected: String, received: String) {
        let a = Array(expected.utf8), b = Array(received.utf8)
        let common = Self.longestCommonSubsequence(a, b)
        self.init(misdelivered: b.count - common, missing: a.count - common)
    }

    static func + (l: Delivery, r: Delivery) -> Delivery {
        Delivery(misdelivered: l.misdelivered + r.misdelivered, missing: l.missing + r.missing)
    }

    /// The length of the longest common subsequence of `a` and `b` (two rows of the table).
    static func longestCommonSubsequence(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
