import Glibc

/// What `/proc/PID/stat` says of a process (proc(5)).
public enum ProcessStat {
    /// The CPU time every thread of `pid` has used, user and system, in clock ticks
    /// (`sysconf(_SC_CLK_TCK)` a second): fields 14 and 15. Nil when the file cannot be
    /// read or parsed (the process is gone).
    public static func cpuTicks(of pid: pid_t) -> Int? {
        guard let f = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 1024)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return nil }
        let line = String(nulTerminated: buf)
        // The command name (field 2) may hold spaces and parentheses: fields are counted
        // from its closing one. Field 3, the state, comes first after it.
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
