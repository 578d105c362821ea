import Foundation

/// Where each key of a TOML document is written, so validation errors can name the line.
///
/// TOMLKit reports lines for syntax errors only; a value that parses but makes no sense
/// (a negative width, an unknown layout) needs its line found again. The document has
/// already parsed when this runs, so a line scanner that knows tables, arrays of tables
/// and `key = value` is enough.
struct TOMLLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[[") {
                let name = Self.tableName(line.dropFirst(2), closing: "]]")
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                table = "\(name)[\(index)]"
                lines[table] = lineNumber
            } else if line.hasPrefix("[") {
                table = Self.tableName(line.dropFirst(), closing: "]")
                lines[table] = lineNumber
            } else if let eq = line.firstIndex(of: "=") {
                var key = String(line[..<eq])
                while key.last == " " || key.last == "\t" { key.removeLast() }
                key = key.replacingQuotes()
                let path = table.isEmpty ? key : "\(table).\(key)"
                if lines[path] == nil { lines[path] = lineNumber }
            }
        }
    }

    /// The line of `path` (`desktop.width`, `policy[1].regions`), or of the nearest
    /// enclosing table that is written down.
    func line(of path: String) -> Int? {
        var p = Substring(path)
        while true {
            if let l = lines[String(p)] { return l }
            guard let dot = p.lastIndex(of: ".") else { return nil }
            p = p[..<dot]
        }
    }

    private static func tableName(_ s: Substring, closing: String) -> String {
        var name = s
        if let end = name.range(of: closing) { name = name[..<end.lowerBound] }
        return String(name).trimmingSpaces().replacingQuotes()
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { filter { $0 != "\"" && $0 != "'" } }
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
