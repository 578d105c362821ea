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
/// What it buys, from `muxbench daemon --only flood` in the guest (vm/bench.sh), the
/// human's frames while 16 agents flood the daemon, p99 against idle, median of 20
/// rounds: see docs/AUDIT.md and docs/INSTALL.md for the table; the knob stays only
/// because that figure shows it.
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
