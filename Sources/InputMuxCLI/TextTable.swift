/// Columns aligned with spaces, a header row, nothing else: readable in a terminal and
/// easy to `awk`. An empty table prints its `empty` line instead.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]] = []

    public init(_ headers: [String]) { self.headers = headers }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(empty: String) -> String {
        guard !rows.isEmpty else { return empty }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                s += last ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return s
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
