import Dispatch

/// Where the harness's async work runs (swift-subprocess's `run` and its wait for the
/// child): a serial dispatch queue, never Swift's cooperative pool. Tests and benchmarks
/// wait for children synchronously, some on pool threads; on a two-core machine two such
/// waits would otherwise starve the very tasks they wait for.
final class HarnessExecutor: TaskExecutor {
    static let shared = HarnessExecutor()
    private let queue = DispatchQueue(label: "inputmux-harness")

    func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
