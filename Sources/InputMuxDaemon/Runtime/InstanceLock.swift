import Glibc

/// One daemon per machine: an exclusive `flock` on a file holding our pid. The lock dies
/// with the process (even on SIGKILL), so a restart never finds a stale lock.
public final class InstanceLock {
    private let fd: Int32
    public let path: String

    /// The corresponding C function is `flock(LOCK_EX | LOCK_NB)`.
    public init(path: String) throws(DaemonError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system(call: "open \(path)", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buf, buf.count)
            let pid = n > 0 ? Int32(String(decoding: buf[0..<n], as: UTF8.self).filter(\.isNumber)) : nil
            close(fd)
            throw .alreadyRunning(lockPath: path, pid: pid)
        }
        _ = ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = pwrite(fd, text, text.count, 0)
        self.fd = fd
    }

    deinit {
        unlink(path)
        close(fd)
    }
}
