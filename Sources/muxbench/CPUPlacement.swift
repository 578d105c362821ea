import CInputMuxShim
import Glibc

/// Where the benchmarks' processes run, for the benchmarks that compare placements.
enum CPUPlacement {
    /// Places every thread of process `pid` on `cpu`, or on any CPU when negative.
    static func place(pid: pid_t, cpu: Int32) throws {
        guard let dir = opendir("/proc/\(pid)/task") else { throw BenchError("cannot list /proc/\(pid)/task: errno \(errno)") }
        defer { closedir(dir) }
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard let tid = Int32(name) else { continue }
            if inputmux_set_thread_cpu(tid, cpu) != 0 && errno != ESRCH {
                throw BenchError("cannot place thread \(tid) of process \(pid) on CPU \(cpu): errno \(errno)")
            }
        }
    }

    /// CPUs online.
    static var online: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}
