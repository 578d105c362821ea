import Glibc

/// The daemon's agent work (its engine thread and audit writer) raised for a while to the
/// human's priority, the process's own nice value, and put back: what the engine's nice
/// offset (`AgentWork.niceOffset` in the daemon) buys is the difference between the
/// flood measured as deployed and measured so, in the same rounds (muxbench runs as root
/// in the guest, so it may raise another process's threads).
struct AgentWorkPriority {
    /// The threads of agent work, by the names the daemon gives them.
    static let threadNames: Set<String> = ["inputmuxd loop", "inputmuxd audit"]

    let pid: pid_t
    /// Each agent-work thread's id and the nice value it had.
    private(set) var saved: [(tid: pid_t, nice: Int32)] = []

    /// Raises `pid`'s agent-work threads to its main thread's nice value.
    init(raising pid: pid_t) throws {
        self.pid = pid
        errno = 0
        let processNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid))
        if processNice == -1 && errno != 0 { throw BenchError("getpriority(\(pid)): errno \(errno)") }
        for tid in Self.threads(of: pid) {
            errno = 0
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid))
            if nice == -1 && errno != 0 { continue }
            guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), processNice) == 0 else {
                restore()
                throw BenchError("cannot raise inputmuxd's thread \(tid) to nice \(processNice): errno \(errno) (run as root)")
            }
            saved.append((tid, nice))
        }
        if saved.isEmpty { throw BenchError("inputmuxd (pid \(pid)) has no thread named \(Self.threadNames.sorted())") }
    }

    /// Puts every raised thread back at its own nice value.
    func restore() {
        for (tid, nice) in saved { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), nice) }
    }

    /// The ids of `pid`'s threads whose name is one of `threadNames`.
    static func threads(of pid: pid_t) -> [pid_t] {
        ((try? CPUPlacement.threads(of: pid)) ?? []).filter { tid in
            let comm = BenchDaemon.read("/proc/\(pid)/task/\(tid)/comm").split(separator: "\n").first.map(String.init) ?? ""
            return threadNames.contains(comm)
        }
    }
}
