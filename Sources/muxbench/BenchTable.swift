import InputMuxDaemon

/// A table of text cells: first column left-aligned, the others right-aligned.
struct BenchTable {
    var title: String
    var header: [String]
    var rows: [[String]] = []
    var notes: [String] = []

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return c == 0 ? cell + fill : fill + cell
            }.joined(separator: "  ")
        }
        var out = title + "\n" + line(header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        for n in notes { out += n + "\n" }
        return out
    }
}

/// Formatting and statistics shared by the daemon benchmarks.
enum Stats {
    /// The q-quantile of a sample (nearest rank), nil when empty.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
    }

    static func median(_ values: [Double]) -> Double? { quantile(values, 0.5) }

    static func ms(_ ns: [Int64]) -> [Double] { ns.map { Double($0) / 1_000_000 } }

    static func fmt(_ v: Double?, digits: Int = 2) -> String {
        guard let v, v.isFinite else { return "-" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (v * p).rounded() / p
        return String(r)
    }

    static func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b != 0 else { return nil }
        return a / b
    }

    static func verdict(_ ok: Bool?) -> String { ok.map { $0 ? "ok" : "MISSED" } ?? "not measured" }

    static func json(_ v: Double?) -> JSONValue { v.flatMap { $0.isFinite ? .double(($0 * 1000).rounded() / 1000) : nil } ?? .null }
    static func json(_ b: Bool?) -> JSONValue { b.map { .bool($0) } ?? .null }
}
