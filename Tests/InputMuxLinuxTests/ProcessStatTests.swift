import Glibc
import InputMuxLinux
import Testing

/// `/proc/PID/stat` as the kernel tests and `muxbench` read a process's CPU time.
@Suite struct ProcessStatTests {
    @Test func cpuTicksGrowWithTheCPUThisProcessUses() throws {
        let before = try #require(ProcessStat.cpuTicks(of: getpid()))
        // 200 ms of CPU on this thread: 20 ticks at USER_HZ 100.
        var t = timespec(), start = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        repeat { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) } while (t.tv_sec - start.tv_sec) * 1_000_000_000 + (t.tv_nsec - start.tv_nsec) < 200_000_000
        let after = try #require(ProcessStat.cpuTicks(of: getpid()))
        let tick = 1000 / Int(sysconf(Int32(_SC_CLK_TCK)))
        #expect((after - before) * tick >= 150, "\(after - before) ticks for 200 ms of CPU")
    }

    @Test func aProcessThatIsGoneHasNone() {
        // PIDs never reach the kernel's limit (at most 2^22).
        #expect(ProcessStat.cpuTicks(of: 1 << 23) == nil)
    }
}
