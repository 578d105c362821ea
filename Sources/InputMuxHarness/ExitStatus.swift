import Glibc
import InputMuxSystem

/// A child's end, read without reaping it.
enum ExitStatus {
    /// Blocks until `pid` has exited and returns how; the child stays a zombie for its
    /// reaper. A signal restarts the wait. The corresponding C function is `waitid` with
    /// WEXITED | WNOWAIT.
    static func wait(for pid: pid_t) -> Termination {
        var info = siginfo_t()
        // ECHILD (already reaped) cannot happen while the body holds the child; it would
        // be reported as an end.
        guard case .success = retryingOnInterrupt({ waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) }) else { return .exited(-1) }
        let status = info._sifields._sigchld.si_status
        return info.si_code == CLD_EXITED ? .exited(status) : .signaled(status)
    }
}
