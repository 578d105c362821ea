import Foundation
import InputMuxCore
import InputMuxLinux

/// Creates and destroys sessions' virtual devices away from the engine thread.
///
/// UI_DEV_CREATE plus waiting for udev to settle the node takes tens to hundreds of
/// milliseconds per device on a loaded machine, and UI_DEV_DESTROY about as long. On the
/// engine thread every other agent's paced frames, the queue's grants and the sockets
/// would wait behind it. Jobs run first come, first served on up to `maximumWorkers`
/// short-lived threads; a created pair (or why it failed) waits in `finished` until the
/// engine thread, woken through `wake`, collects it.
final class AgentDeviceWorkers: @unchecked Sendable {
    // @unchecked: every member is guarded by `condition`; devices cross threads only
    // through `jobs` and `finished`, and exactly one thread holds a device at a time.

    /// What a creation job produced for its session.
    typealias Outcome = SessionDevices<AgentDevices>.Outcome

    private enum Job {
        case create(name: String, session: SessionID, desktop: Region)
        case destroy([AgentDevices])
    }

    /// Fires when a creation finished (the engine thread polls its fd).
    let wake: WakeSignal
    private let maximumWorkers: Int
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var finished: [(SessionID, Outcome)] = []
    private var running = 0

    init(wake: WakeSignal, maximumWorkers: Int = 4) {
        self.wake = wake
        self.maximumWorkers = max(1, maximumWorkers)
    }

    /// Starts creating `inputmux agent NAME#SID pointer|keyboard`; the outcome comes back
    /// through `collect()`.
    func create(name: String, session: SessionID, desktop: Region) {
        submit(.create(name: name, session: session, desktop: desktop))
    }

    /// Releases what the devices hold and removes them.
    func destroy(_ devices: [AgentDevices]) {
        guard !devices.isEmpty else { return }
        submit(.destroy(devices))
    }

    /// Takes the creations finished so far (engine thread).
    func collect() -> [(SessionID, Outcome)] {
        condition.lock()
        defer { condition.unlock() }
        let done = finished
        finished.removeAll()
        return done
    }

    /// Blocks until every submitted job has run (shutdown: no device may outlive the
    /// daemon, so pending creations complete and are then destroyed by the caller).
    func waitUntilIdle() {
        condition.lock()
        while running > 0 || !jobs.isEmpty { condition.wait() }
        condition.unlock()
    }

    private func submit(_ job: Job) {
        condition.lock()
        jobs.append(job)
        let startWorker = running < maximumWorkers
        if startWorker { running += 1 }
        condition.unlock()
        if startWorker { Thread { [self] in work() }.start() }
    }

    /// One worker: runs jobs until none is left, then ends.
    private func work() {
        while true {
            condition.lock()
            guard !jobs.isEmpty else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            switch job {
            case .create(let name, let session, let desktop):
                let outcome: Outcome
                do {
                    outcome = .ready(try AgentDevices(name: name, session: session, desktop: desktop))
                } catch {
                    outcome = .failed("\(error)")
                }
                condition.lock()
                finished.append((session, outcome))
                condition.unlock()
                wake.signal()
            case .destroy(let devices):
                for d in devices { d.destroy() }
            }
        }
    }
}
