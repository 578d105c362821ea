/// Why the audit key could not be loaded or made. The daemon refuses to start on any of
/// these (fail closed: a key others can read lets them confirm guesses of typed secrets).
/// `description` is one sentence that says what to do.
public struct AuditKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Group or others have some permission on the key file.
        case unsafePermissions = "unsafe_permissions"
        /// The key file belongs to another user than the daemon.
        case wrongOwner = "wrong_owner"
        /// A symbolic link, directory or device where the key file belongs.
        case notARegularFile = "not_a_regular_file"
        /// The file does not hold exactly `AuditKey.byteCount` bytes.
        case wrongSize = "wrong_size"
        /// The key or its directory could not be created, or the file could not be read.
        case unavailable
    }

    public var code: Code
    public var path: String
    public var message: String

    init(_ code: Code, _ path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "audit key \(path): \(message)" }
}

/// Why the audit log could not be opened, written or rotated. Writing errors leave the
/// chain where it was (the record was not logged), so the caller can report, retry or
/// stop; nothing here terminates the daemon.
public struct AuditLogError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The log's directory is missing and could not be created.
        case noDirectory = "no_directory"
        /// The log file could not be opened or read.
        case cannotOpen = "cannot_open"
        /// The disk is full (ENOSPC, EDQUOT): the record is not on disk.
        case diskFull = "disk_full"
        /// Any other write or sync failure: the record may not be on disk.
        case writeFailed = "write_failed"
        /// The current file could not be renamed or the oldest removed.
        case rotationFailed = "rotation_failed"
        /// `append` after `close`.
        case closed
    }

    public var code: Code
    public var path: String
    /// The C error number behind it, when there is one.
    public var errno: Int32?
    public var message: String

    init(_ code: Code, _ path: String, errno: Int32? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.errno = errno
        self.message = message
    }

    public var description: String { "audit log \(path): \(message)" }
}
