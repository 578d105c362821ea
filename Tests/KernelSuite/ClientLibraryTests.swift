import CInputMuxShim
import Foundation
import Glibc
import InputMuxClient
import InputMuxCore
import InputMuxLinux

/// The Swift client library against the real inputmuxd: the user's scenarios end to end,
/// read back on the agents' own evdev devices.
enum ClientLibraryTests {
    typealias ClientPoint = InputMuxClient.Point
    typealias ClientRegion = InputMuxClient.Region

    /// Runs async client code from the synchronous suite and waits for it.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try box.get()
    }

    final class ResultBox<T: Sendable>: @unchecked Sendable {
        private var result: Result<T, any Error>?
        private let lock = NSLock()
        func set(_ r: Result<T, any Error>) { lock.lock(); result = r; lock.unlock() }
        func get() throws -> T {
            lock.lock(); defer { lock.unlock() }
            guard let result else { throw TestFailure("async body produced nothing") }
            return try result.get()
        }
    }

    /// One agent connected through InputMuxClient, with readers on its devices.
    struct Agent {
        let client: AgentClient
        let pointer: EvdevReader
        let keyboard: EvdevReader

        init(_ daemon: DaemonUnderTest, _ name: String) throws {
            let path = daemon.agentSocket
            client = try blocking { try await AgentClient.connect(socketPath: path, name: name) }
            pointer = try EvdevReader(client.session.pointerDevice)
            keyboard = try EvdevReader(client.session.keyboardDevice)
        }
    }

    static func core(_ p: ClientPoint) -> InputMuxCore.Point { InputMuxCore.Point(x: Int32(p.x), y: Int32(p.y)) }

    /// acquire, click (in a scaled space), keys and type through the library; a second
    /// agent is queued behind the first's lease (holder named), granted on release; an
    /// operator's revoke reaches the lease as an event; a daemon restart ends the lease
    /// as lost and the client reconnects as a new session.
    static func libraryScenario() throws {
        let daemon = try DaemonUnderTest()
        let a = try Agent(daemon, "lib-a")
        let b = try Agent(daemon, "lib-b")
        let agentA = a.client, agentB = b.client
        let left = ClientRegion(x: 0, y: 0, width: 960, height: 1080)
        try expectEqual(a.client.desktop, ClientRegion(x: 0, y: 0, width: 1920, height: 1080), "desktop from the hello reply")

        let lease = try blocking { try await agentA.acquire(left, keyboard: true, mode: .try) }
        try expect(lease.state == .active, "lib-a's lease should be active at once: \(lease.state)")

        // A click given on a 0-1000 grid lands at the scaled desktop pixel.
        let target = CoordinateSpace.grid(1000).toDesktop(x: 250, y: 500, desktop: a.client.desktop)
        try expectEqual(target, ClientPoint(x: 480, y: 540), "grid point scaled to the desktop")
        try blocking { try await lease.click(at: target) }
        let trace = PointerTrace(a.pointer.readFrames(count: 3, timeout: .seconds(2)))
        try expectEqual(trace.positions.last, core(target), "lib-a's click position")
        try expectEqual(trace.buttons.map { "\($0.code)=\($0.value)" }, ["\(BTN_LEFT)=1", "\(BTN_LEFT)=0"], "lib-a's buttons")

        // Keys in OpenAI spelling and typed text read back on lib-a's keyboard.
        try blocking {
            try await lease.keys(KeyNames.normalize(openAIKeys: ["CTRL", "A"]))
            try await lease.type("Hi")
        }
        let keys = keyEvents(a.keyboard.readFrames(count: 8, timeout: .seconds(2)))
        let ctrl = UInt16(KEY_LEFTCTRL), ka = UInt16(KEY_A), shift = UInt16(KEY_LEFTSHIFT), kh = UInt16(KEY_H), ki = UInt16(KEY_I)
        let expected: [(UInt16, Int32)] = [(ctrl, 1), (ka, 1), (ka, 0), (ctrl, 0), (shift, 1), (kh, 1), (kh, 0), (shift, 0), (ki, 1), (ki, 0)]
        let more = keys.count < expected.count ? keyEvents(a.keyboard.readFrames(count: 4, timeout: .seconds(1))) : []
        let all = keys + more
        try expect(all.count == expected.count && zip(all, expected).allSatisfy { $0 == $1 },
                   "lib-a's keyboard read back \(all), expected ctrl+a then H i")

        // A click outside the lease is refused with the daemon's code; nothing reaches the device.
        do {
            try blocking { try await lease.click(at: ClientPoint(x: 1500, y: 500)) }
            throw TestFailure("a click outside lib-a's region was accepted")
        } catch let e as InputMuxError {
            try expectEqual(e.code, .outsideRegion, "refusal code outside the region")
        }
        try expect(a.pointer.readFrames(count: 1, timeout: .milliseconds(200)).isEmpty, "a refused click reached the device")

        // lib-b waits behind lib-a: queued with position and holder, then granted on release.
        let waiting = try blocking { try await agentB.acquire(ClientRegion(x: 400, y: 100, width: 800, height: 600), mode: .wait(timeout: .seconds(10))) }
        guard case .queued(let position, let reason) = waiting.state else { throw TestFailure("lib-b should be queued: \(waiting.state)") }
        try expectEqual(position, 1, "lib-b's queue position")
        try expect(reason.contains(lease.id), "the queue reason should name \(lease.id): \(reason)")
        try expectEqual(waiting.holder?.lease, lease.id, "the holder lib-b waits for")
        try expectEqual(waiting.holder?.holder.name, "lib-a", "the holder's name")
        try blocking {
            try await lease.release()
            try await waiting.waitUntilActive(timeout: .seconds(5))
        }
        try blocking { try await waiting.click(at: ClientPoint(x: 700, y: 300)) }
        try expectEqual(PointerTrace(b.pointer.readFrames(count: 3, timeout: .seconds(2))).positions.last,
                        InputMuxCore.Point(x: 700, y: 300), "lib-b's click after its grant")

        // The operator revokes lib-b's lease: the lease's events end with revoked.
        let control = daemon.controlSocket
        let waitingID = waiting.id
        let last: InputMuxClient.LeaseEvent? = try blocking {
            let op = try await OperatorClient.connect(socketPath: control)
            defer { op.close() }
            let status = try await op.status()
            guard status.held.contains(where: { $0.id == waitingID && $0.holder.name == "lib-b" }) else {
                throw TestFailure("operator status does not show lib-b holding \(waitingID): \(status.held)")
            }
            try await op.revoke(waitingID)
            var last: InputMuxClient.LeaseEvent?
            for await e in waiting.events { last = e }
            return last
        }
        guard case .revoked(let why) = last else { throw TestFailure("lib-b's last lease event: \(String(describing: last))") }
        try expect(why.message.contains("operator"), "the revoke reason should say who: \(why)")

        // A crash: lib-a's new lease is reported lost (never carried over); the next
        // acquire, after the daemon is back, is a new session.
        let again = try blocking { try await agentA.acquire(left) }
        let sessionEvents = agentA.events
        daemon.killHard()
        let end: InputMuxClient.LeaseEvent? = try blocking {
            var last: InputMuxClient.LeaseEvent?
            for await e in again.events { last = e }
            return last
        }
        guard case .ended(let lost) = end, lost.code == InputMuxError.Code.leaseLost else {
            throw TestFailure("after the daemon died: \(String(describing: end))")
        }
        try daemon.start()
        let fresh = try blocking { try await agentA.acquire(left, mode: .try) }
        try expect(fresh.state == .active, "a lease after the restart: \(fresh.state)")
        try expect(again.state.isEnded, "the old lease must stay ended")
        let told: [SessionEvent] = try blocking {
            var seen: [SessionEvent] = []
            for await e in sessionEvents {
                seen.append(e)
                if case .reconnected = e { break }
            }
            return seen
        }
        guard told.count == 2, case .disconnected = told[0], case .reconnected(let info) = told[1] else {
            throw TestFailure("lib-a's session events over the restart: \(told)")
        }
        try expectEqual(info.pointerDevice, a.client.session.pointerDevice, "the new session's pointer")
        let pointer = try EvdevReader(a.client.session.pointerDevice)
        try blocking { try await fresh.click(at: ClientPoint(x: 100, y: 100)) }
        try expectEqual(PointerTrace(pointer.readFrames(count: 3, timeout: .seconds(2))).positions.last,
                        InputMuxCore.Point(x: 100, y: 100), "click through the reconnected session")
        a.client.close()
        b.client.close()
        try daemon.stop()
    }
}
