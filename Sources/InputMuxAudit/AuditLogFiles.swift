import Glibc
import InputMuxCore

/// The files of one audit log: the current file (`audit.jsonl`) and the rotated ones
/// before it (`audit.jsonl.1` the newest … `audit.jsonl.N` the oldest).
struct AuditLogFiles: Sendable {
    let path: String

    func rotated(_ n: Int) -> String { "\(path).\(n)" }

    /// The numbers of the rotated files present, ascending (newest first). Found by
    /// listing the directory, so a missing file in the middle shows as a gap.
    func rotatedNumbers() throws(AuditFileIO.Failure) -> [Int] {
        let (dir, name) = AuditFileIO.split(path)
        let prefix = name + "."
        var numbers: [Int] = []
        for entry in try AuditFileIO.names(in: dir) where entry.hasPrefix(prefix) {
            let digits = entry.dropFirst(prefix.count)
            // `audit.jsonl.01` or `audit.jsonl.new` are not ours.
            guard let n = Int(digits), n > 0, String(n) == digits else { continue }
            numbers.append(n)
        }
        return numbers.sorted()
    }

    /// Every file present, oldest first: the order of the chain.
    func chainOrder() throws(AuditFileIO.Failure) -> [String] {
        var files = try rotatedNumbers().reversed().map(rotated)
        if try AuditFileIO.linkStatus(path) != nil { files.append(path) }
        return files
    }

    /// The end of one file: its last complete record line and whether the file stops in
    /// the middle of a line (a crash or a full disk during a write).
    struct Tail {
        var last: AuditEnvelope?
        var endsInPartialLine: Bool
    }

    /// Reads backwards in growing windows, so opening a large log reads only its end.
    static func tail(of path: String) throws(AuditFileIO.Failure) -> Tail? {
        let fd: Int32
        do { fd = try AuditFileIO.open(path, O_RDONLY) } catch {
            if error.errno == ENOENT { return nil }
            throw error
        }
        defer { AuditFileIO.close(fd) }
        let size = try AuditFileIO.size(fd)
        guard size > 0 else { return Tail(last: nil, endsInPartialLine: false) }
        let newline = UInt8(ascii: "\n")
        var window = 64 * 1024
        var partial = false
        while true {
            let start = max(0, size - window)
            let bytes = try AuditFileIO.read(fd, count: size - start, at: start)
            partial = bytes.last != newline
            var lines = bytes.split(separator: newline, omittingEmptySubsequences: false)
            lines.removeLast()  // the partial line, or the "" after the final newline
            if start > 0, !lines.isEmpty { lines.removeFirst() }     // may begin mid-line
            for line in lines.reversed() {
                if let env = AuditEnvelope(String(decoding: line, as: UTF8.self)) {
                    return Tail(last: env, endsInPartialLine: partial)
                }
            }
            if start == 0 { return Tail(last: nil, endsInPartialLine: partial) }
            window *= 4
        }
    }
}
