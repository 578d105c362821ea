import CInputMuxSys
import Foundation
import Logging

/// A second thread for the capture thread's work that need not hold it up: the SHA-256
/// of a made image (4.7 ms for a raw 1920x1080 image, `muxbench capture`, where a
/// capture's time goes) runs here while the capture thread goes on to the next capture,
/// so two captures in flight take about the time of one and a hash. Jobs run in the
/// order given; it runs at agent work's priority, like the capture thread.
final class SideThread: @unchecked Sendable {
    // @unchecked: `jobs` and `stopping` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    private var running = true

    init(logger: Logger) {
        let t = Thread { [self] in
            AgentWork.lowerThisThread(logger: logger, thread: "inputmuxd sight side")
            _ = inputmux_name_this_thread("inputmuxd sight2")
            run()
        }
        t.start()
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Runs what was submitted, then ends the thread; returns once it has.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
