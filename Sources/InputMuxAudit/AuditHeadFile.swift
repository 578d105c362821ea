import Glibc
import InputMuxCore

/// The daemon's own note of where the audit chain ends, kept apart from the log (next to
/// the key, `/var/lib/inputmux/audit.head`, 0600) and rewritten after every record.
///
/// Why: the chain alone cannot show that its tail was cut while the daemon was stopped;
/// the next start would continue from the cut and the log would verify. With the head
/// saved elsewhere, the daemon notices at start and continues from the saved head, so
/// the gap stays in the chain for `muxctl audit verify` to name; and `muxctl` can verify
/// the end of the log against it while the daemon is down.
///
/// Format: one line, `<last sequence, 20 digits> <hash, 64 hex> <log path>\n`. The width
/// is fixed for a given log, so each update is one `pwrite` over the same bytes. The path
/// is there so a head saved for one log is never held against another (after
/// `[audit] path` changed).
public struct AuditHeadFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `audit.head` in the key's directory: root-only state, not the log directory,
    /// which a log reader group may see.
    public static func defaultPath(keyPath: String) -> String {
        AuditFileIO.split(keyPath).directory + "/audit.head"
    }

    /// The head saved for the log at `logPath` (the next sequence and the last hash); nil
    /// when there is none, it is for another log, or it cannot be read as one.
    public func read(logPath: String) -> AuditChain.Head? {
        guard let bytes = try? AuditFileIO.readFile(path), let (head, savedFor) = Self.parse(bytes) else { return nil }
        return savedFor == logPath ? head : nil
    }

    static func encode(_ head: AuditChain.Head, logPath: String) -> [UInt8] {
        let last = String(head.nextSequence - 1)
        return Array((String(repeating: "0", count: 20 - last.count) + last + " " + head.hash + " " + logPath + "\n").utf8)
    }

    static func parse(_ bytes: [UInt8]) -> (AuditChain.Head, logPath: String)? {
        guard bytes.count > 87, bytes[20] == UInt8(ascii: " "), bytes[85] == UInt8(ascii: " "),
              bytes.last == UInt8(ascii: "\n"),
              let last = UInt64(String(decoding: bytes[0..<20], as: UTF8.self)) else { return nil }
        let hash = String(decoding: bytes[21..<85], as: UTF8.self)
        guard hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return (AuditChain.Head(hash: hash, nextSequence: last + 1), String(decoding: bytes[86..<(bytes.count - 1)], as: UTF8.self))
    }

    /// The open file the log rewrites after each record.
    final class Writer {
        let path: String
        let logPath: String
        private var fd: Int32
        private var length = -1

        init(path: String, logPath: String) throws(AuditFileIO.Failure) {
            self.path = path
            self.logPath = logPath
            fd = try AuditFileIO.open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, mode: 0o600)
        }

        deinit { if fd >= 0 { AuditFileIO.close(fd) } }

        func save(_ head: AuditChain.Head) throws(AuditFileIO.Failure) {
            let bytes = AuditHeadFile.encode(head, logPath: logPath)
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if n != bytes.count { throw AuditFileIO.Failure(errno: n < 0 ? errno : EIO, call: "pwrite") }
            // Only when the width changed (first save, another log): a shorter line must
            // not leave the end of a longer one behind.
            if bytes.count != length {
                try AuditFileIO.truncate(fd, to: bytes.count)
                length = bytes.count
            }
        }

        func close() {
            guard fd >= 0 else { return }
            try? AuditFileIO.sync(fd)
            AuditFileIO.close(fd)
            fd = -1
        }
    }
}
