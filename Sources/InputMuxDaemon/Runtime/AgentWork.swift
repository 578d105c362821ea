import CInputMuxSys
import Glibc
import Logging

/// The priority of the daemon's agent work: the engine thread (requests, gestures, the
/// gate) and the audit writer (the decisions that work produces).
///
/// The human's input thread keeps the process's priority (the unit sets Nice=-10), so on
/// a contended CPU a human frame goes out before agent work (DESIGN §4). Agent work runs
/// `niceOffset` lower, at the unit's -10 + 15 = 5, behind the compositor (nice 0) that
/// reads the clones: when agents keep the engine busy, the compositor still gets about
/// three times the engine's share of a contended CPU.
///
/// What it buys (`muxbench daemon --only flood` in the guest, vm/bench.sh, the row
/// "agent work at the human's nice" beside "anywhere", 16 agents flooding, 20 rounds,
/// measured 2026-12-07 on an idle host): until the frame is readable on the clone, nothing
/// (p99 441 µs with the offset, 432 µs without; the human's thread wins either way); until
/// the reader standing for the compositor at nice 0 has read it, p99 1,053 µs with the
/// offset against 8,846 µs without (1.24x against 11.5x idle, median of rounds). Without
/// it, agent work at -10 takes the compositor's CPU.
enum AgentWork {
    static let niceOffset: Int32 = 15

    /// Lowers the calling thread to agent work's priority; a refusal (no LimitNICE, a
    /// seccomp filter) is logged and the thread runs on at the process's priority.
    static func lowerThisThread(logger: Logger, thread: String) {
        if inputmux_lower_this_thread(niceOffset) != 0 {
            logger.debug("cannot lower a thread to agent work's priority",
                         metadata: ["thread": .string(thread), "errno": "\(errno)"])
        }
    }
}
