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
/// Format: one line of fixed width, `<sequence, 20 digits> <hash, 64 hex>\n`, so each
/// update is a single `pwrite` over the same bytes.
public struct AuditHeadFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `audit.head` in the key's directory: root-only state, not the log directory,
    /// which a log reader group may see.
    public static func defaultPath(keyPath: String) -> String {
        AuditFileIO.split(keyPath).directory + "/audit.head"
    }

    /// The saved head (the next sequence and the last hash); nil when there is none or it
    /// cannot be read as one.
    public func read() -> AuditChain.Head? {
        guard let bytes = try? AuditFileIO.readFile(path) else { return nil }
        return Self.parse(bytes)
    }

    static func encode(_ head: AuditChain.Head) -> [UInt8] {
        let last = String(head.nextSequence - 1)
        return Array((String(repeating: "0", count: 20 - last.count) + last + " " + head.hash + "\n").utf8)
    }

    static func parse(_ bytes: [UInt8]) -> AuditChain.Head? {
        guard bytes.count == 86, bytes[20] == UInt8(ascii: " "), bytes[85] == UInt8(ascii: "\n"),
              let last = UInt64(String(decoding: bytes[0..<20], as: UTF8.self)) else { return nil }
        let hash = String(decoding: bytes[21..<85], as: UTF8.self)
        guard hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return AuditChain.Head(hash: hash, nextSequence: last + 1)
    }

    /// The open file the log rewrites after each record.
    final class Writer {
        let path: String
        private var fd: Int32

        init(path: String) throws(AuditFileIO.Failure) {
            self.path = path
            fd = try AuditFileIO.open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, mode: 0o600)
        }

        deinit { if fd >= 0 { AuditFileIO.close(fd) } }

        func save(_ head: AuditChain.Head) throws(AuditFileIO.Failure) {
            let bytes = AuditHeadFile.encode(head)
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if n != bytes.count { throw AuditFileIO.Failure(errno: n < 0 ? errno : EIO, call: "pwrite") }
        }

        func close() {
            guard fd >= 0 else { return }
            try? AuditFileIO.sync(fd)
            AuditFileIO.close(fd)
            fd = -1
        }
    }
}
