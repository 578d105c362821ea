import InputMuxClient
import InputMuxRelay

/// Regions on the command line: `x,y,w,h` (what ydotool users type) or `x,y,WxH` (what the
/// daemon and the configuration print).
public enum RegionArgument {
    public static func parse(_ text: String) throws(CLIError) -> Region {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        var numbers: [Int]?
        if parts.count == 4 {
            numbers = parts.compactMap { Int($0) }
        } else if parts.count == 3 {
            let size = parts[2].split(separator: "x", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            if size.count == 2 { numbers = (parts[0..<2] + size).compactMap { Int($0) } }
        }
        guard let n = numbers, n.count == 4 else {
            throw CLIError(.badInput, "region \"\(text)\": write it x,y,w,h (e.g. 0,0,960,1080) or x,y,WxH (0,0,960x1080)")
        }
        guard n[2] > 0, n[3] > 0 else {
            throw CLIError(.badInput, "region \"\(text)\": width and height must be positive")
        }
        return Region(x: n[0], y: n[1], width: n[2], height: n[3])
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}
