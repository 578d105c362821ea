import CInputMuxShim
import Glibc

/// Where the benchmarks' processes run, for the benchmarks that compare placements.
enum CPUPlacement {
    /// Places every thread of process `pid` on `cpu`, or on any CPU when negative.
    static func place(pid: pid_t, cpu: Int32) throws {
        for tid in try threads(of: pid) where inputmux_set_thread_cpu(tid, cpu) != 0 && errno != ESRCH {
            throw BenchError("cannot place thread \(tid) of process \(pid) on CPU \(cpu): errno \(errno)")
        }
    }

    /// The ids of process `pid`'s threads.
    static func threads(of pid: pid_t) throws -> [pid_t] {
        guard let dir = opendir("/proc/\(pid)/task") else { throw BenchError("cannot list /proc/\(pid)/task: errno \(errno)") }
        defer { closedir(dir) }
        var found: [pid_t] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if let tid = pid_t(name) { found.append(tid) }
        }
        return found
    }

    /// CPUs online.
    static var online: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}
