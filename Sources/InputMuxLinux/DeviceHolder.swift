import Glibc

/// Finds which process has an input node open, to name it when a grab is refused.
enum DeviceHolder {
    /// `pid 1234 (Xorg)` for the first other process with `path` open, or nil.
    ///
    /// The corresponding C functions are `opendir("/proc")` and `readlink("/proc/PID/fd/N")`.
    static func find(_ path: String) -> String? {
        let me = getpid()
        for pid in directoryEntries("/proc").compactMap({ Int32($0) }) where pid != me {
            for fd in directoryEntries("/proc/\(pid)/fd") where readLink("/proc/\(pid)/fd/\(fd)") == path {
                let comm = readFirstLine("/proc/\(pid)/comm") ?? "?"
                return "pid \(pid) (\(comm))"
            }
        }
        return nil
    }

    static func directoryEntries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        buf[n] = 0
        return String(nulTerminated: buf)
    }

    static func readFirstLine(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 256)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return nil }
        return String(nulTerminated: buf).trimmingSuffixNewline()
    }
}

extension String {
    func trimmingSuffixNewline() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
