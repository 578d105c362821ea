import enum InputMuxWire.PrintableText

/// Columns aligned with spaces, a header row, nothing else: readable in a terminal and
/// easy to `awk`. An empty table prints its `empty` line instead.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]] = []

    public init(_ headers: [String]) { self.headers = headers }

    /// Cells come from clients (names, exe paths): characters that are not printable are
    /// escaped, so nothing a client chose can drive the operator's terminal.
    public mutating func add(_ row: [String]) { rows.append(row.map(PrintableText.escaped)) }

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
