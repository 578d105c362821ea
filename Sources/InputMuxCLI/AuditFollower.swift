import Glibc

/// Reads the lines appended to the current audit file, across rotations: the open file
/// is read to its end before the new current file is opened, so the rotation note and
/// anything written just before it are never missed. Polled (`tail -F` style), which
/// needs no inotify permission on a directory the reader may only read.
public final class AuditFollower {
    public let path: String
    private var fd: Int32 = -1
    private var inode: ino_t = 0
    private var partial: [UInt8] = []

    /// Starts at the current end of `path` (what exists was shown by the tail).
    public init(path: String, fromEnd: Bool = true) {
        self.path = path
        open(seekToEnd: fromEnd)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Complete lines written since the last call.
    public func poll() -> [String] {
        var lines: [String] = []
        if fd < 0 { open(seekToEnd: false) }
        lines += drain()
        var st = stat()
        if stat(path, &st) == 0, st.st_ino != inode {
            // Rotated: what was left in the old file is read; the new one starts at 0.
            partial.removeAll()
            if fd >= 0 { close(fd) }
            fd = -1
            open(seekToEnd: false)
            lines += drain()
        } else if fd >= 0, stat(path, &st) == 0, lseek(fd, 0, SEEK_CUR) > st.st_size {
            // Truncated in place: start over.
            lseek(fd, 0, SEEK_SET)
            partial.removeAll()
        }
        return lines
    }

    private func open(seekToEnd: Bool) {
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        var st = stat()
        fstat(fd, &st)
        inode = st.st_ino
        if seekToEnd { lseek(fd, 0, SEEK_END) }
    }

    private func drain() -> [String] {
        guard fd >= 0 else { return [] }
        var out: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            for b in buffer[0..<n] {
                if b == UInt8(ascii: "\n") {
                    out.append(String(decoding: partial, as: UTF8.self))
                    partial.removeAll(keepingCapacity: true)
                } else {
                    partial.append(b)
                }
            }
        }
        return out
    }
}
