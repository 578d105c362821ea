import Glibc
import InputMuxSystem
import SystemPackage

/// The file calls the audit files need, on swift-system's `FileDescriptor` (EINTR
/// retried there, `close` never retried). Failures carry `errno` and the call's name so
/// the public errors can say what went wrong and where. Descriptors cross this boundary
/// as raw numbers, as the audit writer stores them.
enum AuditFileIO {
    struct Failure: Error, Hashable, Sendable {
        var errno: Int32
        var call: String
        /// Bytes `writeAll` got onto the file before it failed, so the caller can take a
        /// partial line back.
        var written = 0
        var reason: String { String(cString: strerror(errno)) }

        init(errno: Int32, call: String, written: Int = 0) {
            self.errno = errno
            self.call = call
            self.written = written
        }

        init(_ error: any Error, call: String, written: Int = 0) {
            self.init(errno: (error as? Errno)?.rawValue ?? EIO, call: call, written: written)
        }
    }

    /// Opens `path` close-on-exec. The corresponding C function is `open`.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(Failure) -> Int32 {
        let access = FileDescriptor.AccessMode(rawValue: flags & O_ACCMODE)
        let options = FileDescriptor.OpenOptions(rawValue: (flags & ~O_ACCMODE) | O_CLOEXEC)
        let permissions = flags & O_CREAT != 0 ? FilePermissions(rawValue: mode) : nil
        do {
            return try FileDescriptor.open(FilePath(path), access, options: options, permissions: permissions).rawValue
        } catch {
            throw Failure(error, call: "open")
        }
    }

    /// Writes every byte, however many `write` calls that takes. The corresponding C
    /// function is `write`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        let file = FileDescriptor(rawValue: fd)
        var done = 0
        while done < bytes.count {
            let n: Int
            do {
                n = try bytes.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[done...])) }
            } catch {
                throw Failure(error, call: "write", written: done)
            }
            // A regular file answers 0 only when it cannot take more: treat it as a full disk
            // rather than spin.
            if n == 0 { throw Failure(errno: ENOSPC, call: "write", written: done) }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file. The
    /// corresponding C function is `pread`.
    static func read(_ fd: Int32, count: Int, at offset: Int) throws(Failure) -> [UInt8] {
        let file = FileDescriptor(rawValue: fd)
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n: Int
            do {
                n = try out.withUnsafeMutableBytes {
                    try file.read(fromAbsoluteOffset: Int64(offset + got), into: UnsafeMutableRawBufferPointer(rebasing: $0[got...]))
                }
            } catch {
                throw Failure(error, call: "pread")
            }
            if n == 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }

    /// The whole file, or nil when it does not exist.
    static func readFile(_ path: String) throws(Failure) -> [UInt8]? {
        let fd: Int32
        do { fd = try open(path, O_RDONLY) } catch { if error.errno == ENOENT { return nil } else { throw error } }
        defer { close(fd) }
        return try read(fd, count: try size(fd), at: 0)
    }

    /// The corresponding C function is `fstat`.
    static func status(_ fd: Int32) throws(Failure) -> stat {
        do { return try FileDescriptor(rawValue: fd).stat().rawValue } catch { throw Failure(error, call: "fstat") }
    }

    static func size(_ fd: Int32) throws(Failure) -> Int { Int(try status(fd).st_size) }

    /// The status of the path itself (a symbolic link is not followed), nil when it does
    /// not exist. The corresponding C function is `lstat`.
    static func linkStatus(_ path: String) throws(Failure) -> stat? {
        do { return try FilePath(path).stat(followTargetSymlink: false).rawValue } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw Failure(error, call: "lstat")
        }
    }

    /// The corresponding C function is `fsync`.
    static func sync(_ fd: Int32) throws(Failure) {
        do { try FileDescriptor(rawValue: fd).synchronize() } catch { throw Failure(error, call: "fsync") }
    }

    /// Never retried: on Linux the descriptor is gone even when `close` reports EINTR.
    /// The corresponding C function is `close`.
    static func close(_ fd: Int32) {
        try? FileDescriptor(rawValue: fd).close()
    }

    /// The corresponding C function is `ftruncate`.
    static func truncate(_ fd: Int32, to size: Int) throws(Failure) {
        do { try FileDescriptor(rawValue: fd).resize(to: Int64(size)) } catch { throw Failure(error, call: "ftruncate") }
    }

    /// The corresponding C function is `rename`.
    static func rename(_ from: String, _ to: String) throws(Failure) {
        guard Glibc.rename(from, to) == 0 else { throw Failure(errno: errno, call: "rename") }
    }

    /// Removes a file; one that is already gone is fine. The corresponding C function is
    /// `unlink`.
    static func remove(_ path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw Failure(errno: errno, call: "unlink") }
    }

    /// Creates one directory; one that already exists is fine. The corresponding C
    /// function is `mkdir`.
    static func makeDirectory(_ path: String, mode: mode_t) throws(Failure) {
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw Failure(errno: errno, call: "mkdir") }
    }

    /// Makes a rename or a new file in `directory` durable. The corresponding C function
    /// is `fsync` on the directory.
    static func syncDirectory(_ directory: String) {
        guard let fd = try? open(directory, O_RDONLY | O_DIRECTORY) else { return }
        try? sync(fd)
        close(fd)
    }

    /// The names in a directory (without `.` and `..`). The corresponding C functions are
    /// `opendir` and `readdir`.
    static func names(in directory: String) throws(Failure) -> [String] {
        guard let dir = opendir(directory) else { throw Failure(errno: errno, call: "opendir") }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// `/a/b/c` → (`/a/b`, `c`); a bare name lives in `.`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }
}
