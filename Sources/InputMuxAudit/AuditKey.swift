import Glibc
import InputMuxCore

/// The secret behind redacted text (DESIGN §6): typed text is logged as its length and
/// an HMAC under this key, so a reader of the log cannot confirm a guessed password by
/// hashing it, while whoever holds the key can check whether a given text was typed.
///
/// It lives in its own file (default `/var/lib/inputmux/audit.key`), made on first start
/// and kept across restarts, so the same text hashes the same way in every rotated file.
public struct AuditKey: Sendable {
    public static let byteCount = 32

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The redactor the engine uses for typed text; clear text only when policy says so.
    public func redactor(textInClear: Bool) -> TextRedactor {
        TextRedactor(key: bytes, logsClearText: textInClear)
    }

    /// Loads the key at `path`, or makes one there when none exists yet (the directory
    /// too, 0700). Refuses a key that others could read or replace, or that belongs to
    /// another user than `owner` (the daemon's effective uid by default).
    public static func loadOrCreate(at path: String, owner: UInt32 = geteuid()) throws(AuditKeyError) -> AuditKey {
        if let key = try load(at: path, owner: owner) { return key }
        return try create(at: path)
    }

    /// The key at `path`, or nil when there is no file there.
    static func load(at path: String, owner: UInt32) throws(AuditKeyError) -> AuditKey? {
        let fail = { (why: AuditFileIO.Failure) in
            AuditKeyError(.unavailable, path, "cannot read it (\(why.call): \(why.reason)); check the path and its directory's permissions")
        }
        let st: stat?
        do { st = try AuditFileIO.linkStatus(path) } catch { throw fail(error) }
        guard let st else { return nil }
        try check(st, path: path, owner: owner)
        let bytes: [UInt8]?
        do { bytes = try AuditFileIO.readFile(path) } catch { throw fail(error) }
        guard let bytes, bytes.count == byteCount else {
            throw AuditKeyError(.wrongSize, path, "holds \(bytes?.count ?? 0) bytes, not \(byteCount); it is damaged: remove it and restart to make a new key (texts redacted under the old key can then no longer be checked)")
        }
        return AuditKey(bytes: bytes)
    }

    /// Whether an existing key file is one the daemon may trust.
    static func check(_ st: stat, path: String, owner: UInt32) throws(AuditKeyError) {
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw AuditKeyError(.notARegularFile, path, "is not a regular file (a symbolic link, directory or device); put the key file itself there, mode 0600")
        }
        guard st.st_uid == owner else {
            throw AuditKeyError(.wrongOwner, path, "belongs to uid \(st.st_uid), not to the daemon's uid \(owner); run `chown \(owner) \(path)` if this is the daemon's key")
        }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw AuditKeyError(.unsafePermissions, path, "has mode \(octal(mode)): group or others may read or change it; run `chmod 600 \(path)` (and consider the key disclosed: remove it to make a new one)")
        }
    }

    /// Writes a fresh random key through a temporary file and a rename, so a crash never
    /// leaves a short key behind that would refuse the next start.
    static func create(at path: String) throws(AuditKeyError) -> AuditKey {
        let (dir, _) = AuditFileIO.split(path)
        do {
            if try AuditFileIO.linkStatus(dir) == nil { try AuditFileIO.makeDirectory(dir, mode: 0o700) }
        } catch {
            throw AuditKeyError(.unavailable, path, "cannot create the directory \(dir) (\(error.reason)); create it with mode 0700 (tmpfiles.d ships it) or set [audit] key_path")
        }
        // SystemRandomNumberGenerator reads getrandom(2), i.e. the kernel's CSPRNG.
        var rng = SystemRandomNumberGenerator()
        let key = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let temporary = path + ".new"
        do {
            try AuditFileIO.remove(temporary)  // a leftover from a crash during an earlier start
            let fd = try AuditFileIO.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
            defer { AuditFileIO.close(fd) }
            // The umask can only narrow 0600; fchmod makes it exact whatever it is.
            fchmod(fd, 0o600)
            try AuditFileIO.writeAll(fd, key)
            try AuditFileIO.sync(fd)
            try AuditFileIO.rename(temporary, path)
        } catch {
            try? AuditFileIO.remove(temporary)
            throw AuditKeyError(.unavailable, path, "cannot create it (\(error.call): \(error.reason)); make \(dir) writable by the daemon or set [audit] key_path")
        }
        AuditFileIO.syncDirectory(dir)
        return AuditKey(bytes: key)
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
