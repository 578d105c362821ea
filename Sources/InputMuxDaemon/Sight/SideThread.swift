import CInputMuxSys
import Foundation
import Logging

/// A second thread for the capture thread's work that can run beside its own: hashing
/// an image while the image is written to its memfd, so a raw full-screen capture costs
/// the longer of the two, not their sum (`muxbench capture`, where a capture's time goes:
/// SHA-256 of 8 MB 4.7 ms, a sealed memfd of 8 MB 3.8 ms). It runs at agent work's
/// priority, like the capture thread.
final class SideThread: @unchecked Sendable {
    // @unchecked: `job` and `result` are handed over under `condition`.
    private let condition = NSCondition()
    private var job: (@Sendable () -> String)?
    private var result: String?
    private var stopping = false

    init(logger: Logger) {
        let t = Thread { [self] in
            AgentWork.lowerThisThread(logger: logger, thread: "inputmuxd sight side")
            _ = inputmux_name_this_thread("inputmuxd sight2")
            run()
        }
        t.start()
    }

    /// Runs `side` on the side thread while `here` runs on the caller's; both results.
    func both<T>(_ side: @escaping @Sendable () -> String, _ here: () -> T) -> (String, T) {
        condition.lock()
        job = side
        result = nil
        condition.broadcast()
        condition.unlock()
        let mine = here()
        condition.lock()
        while result == nil { condition.wait() }
        let theirs = result!
        result = nil
        condition.unlock()
        return (theirs, mine)
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while job == nil && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let work = job!
            job = nil
            condition.unlock()
            let r = work()
            condition.lock()
            result = r
            condition.broadcast()
            condition.unlock()
        }
    }
}
