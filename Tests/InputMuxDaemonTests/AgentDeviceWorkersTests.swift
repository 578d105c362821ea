import Glibc
import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// The worker pool that creates sessions' devices off the engine thread. This host has
/// no /dev/uinput, so every creation fails: what is proven here is the hand-back (the
/// engine thread is woken, every session gets exactly one outcome, the failure is the
/// sentence a refused client reads) and that shutdown can wait for all of them. Creation
/// that succeeds is proven in the VM (kernel suite).
@Suite struct AgentDeviceWorkersTests {
    @Test(.enabled(if: access("/dev/uinput", F_OK) != 0, "needs a machine without /dev/uinput"))
    func everyCreationIsHandedBackOnceWithItsReasonAndWakesTheEngine() throws {
        let workers = AgentDeviceWorkers(wake: try WakeSignal(), maximumWorkers: 2)
        let desktop = Region(x: 0, y: 0, width: 1920, height: 1080)
        for s in 1...6 { workers.create(name: "agent\(s)", session: SessionID(UInt32(s)), desktop: desktop) }
        workers.waitUntilIdle()

        var wake = pollfd(fd: workers.wake.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&wake, 1, 0) == 1, "the engine thread's wake fd must be readable")
        let outcomes = workers.collect()
        #expect(outcomes.map(\.0.rawValue).sorted() == Array(1...6))
        for (_, outcome) in outcomes {
            guard case .failed(let reason) = outcome else {
                Issue.record("created devices without /dev/uinput")
                continue
            }
            #expect(reason.contains("modprobe uinput"), "the refusal should say what to do: \(reason)")
        }
        #expect(workers.collect().isEmpty, "an outcome is handed back once")
    }

    @Test func waitingWithNothingSubmittedReturnsAtOnce() throws {
        let workers = AgentDeviceWorkers(wake: try WakeSignal())
        workers.waitUntilIdle()
        workers.destroy([])
        workers.waitUntilIdle()
        #expect(workers.collect().isEmpty)
    }
}
