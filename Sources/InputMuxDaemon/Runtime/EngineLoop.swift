import CInputMuxSys
import Glibc
import InputMuxConfiguration
import InputMuxCore
import InputMuxLinux
import InputMuxWire
import Logging

/// The engine thread: sockets, the engine, agent devices, the audit log.
///
/// Everything the engine decides happens here, in one thread, in order: no locks around
/// the engine. The human's input never comes through here first (see `HumanInput`);
/// it arrives afterwards through `PhysicalInbox` for the engine's bookkeeping.
///
/// The loop drives turns: it waits on its poller, feeds what arrived to the decisions
/// made elsewhere, and performs what they return. Who may say hello is `Admission`'s;
/// where a connection is in its life is its `ConnectionPhase`; what happens to sessions'
/// devices is `SessionDevices`'; what the loop writes is `Replies`' and `WireEncoding`'s.
/// Its connections are in EngineLoop+Connections.swift, their requests in
/// EngineLoop+Requests.swift, and devices in EngineLoop+Devices.swift.
final class EngineLoop {
    struct Settings {
        var configuration: Configuration
        var agentGroup: UInt32?
        var controlGroup: UInt32?
        var policyUIDs: [Int: UInt32]   // policy index → uid resolved from `user`
        var policyGIDs: [Int: UInt32]   // policy index → gid resolved from `group`
    }

    var engine: Engine
    let settings: Settings
    let admission: Admission
    let decoder: WireDecoder
    let logger: Logger
    let onAudit: (AuditEvent) -> Void
    /// Runs once a turn's output is written (the audit writer starts on the turn's records).
    let afterTurn: () -> Void
    let devicesInventory: () -> [HumanInput.DeviceSummary]
    let stopRequested: StopFlag
    /// `[output] mode = "xtest"`: agents' frames go into the X server instead of uinput.
    let xtest: XTestOutput?
    /// The window-system adapter (the X11 adapter when `[x11] enabled`).
    let windowSystem: (any WindowSystem)?
    /// When the own seats' focus was last checked while their keys ran.
    var lastSeatFocusPoll: Instant?
    /// Its seats of their own for agent sessions, when on (DESIGN §5a).
    var agentSeats: (any SeatProvider)? { windowSystem?.seats }
    /// Makes captures off this thread, when there is a display to read.
    let sight: CaptureWorker?
    /// Captures between their request, the engine's order and their reply.
    var captures = CaptureDesk()

    /// The engine's desktop as of its last input: read here, never from inside
    /// `engine.handle` (its output callbacks run while the engine is being changed).
    var desktop: Region
    var human: HumanFrames
    var listeners: Listeners
    var connections = ConnectionTable()
    /// Connections that have not said hello: their deadlines and the cap (`PendingHellos`).
    var pendingHellos: PendingHellos
    var devices: SessionDevices<AgentDevices>
    /// Device creation and destruction, off this thread.
    let deviceWorkers: AgentDeviceWorkers
    /// Every descriptor the loop waits on: the fixed ones and each connection.
    let poller: Poller
    var watchdog = Watchdog()
    /// The read buffer every connection's `readLines` fills in turn.
    var readChunk = [UInt8](repeating: 0, count: 65536)

    init(engine: Engine, settings: Settings, decoder: WireDecoder, logger: Logger, inbox: PhysicalInbox,
         agentListener: SocketListener, controlListener: SocketListener, stopRequested: StopFlag,
         xtest: XTestOutput? = nil, windowSystem: (any WindowSystem)? = nil, sight: CaptureWorker? = nil,
         devicesInventory: @escaping () -> [HumanInput.DeviceSummary], onAudit: @escaping (AuditEvent) -> Void, afterTurn: @escaping () -> Void = {}) throws(DaemonError) {
        self.engine = engine
        desktop = engine.desktop
        self.xtest = xtest
        self.windowSystem = windowSystem
        self.sight = sight
        self.settings = settings
        admission = Admission(settings)
        self.decoder = decoder
        self.logger = logger
        human = HumanFrames(inbox: inbox)
        listeners = Listeners(agent: agentListener, control: controlListener)
        self.stopRequested = stopRequested
        self.devicesInventory = devicesInventory
        self.onAudit = onAudit
        self.afterTurn = afterTurn
        pendingHellos = PendingHellos(timeout: settings.configuration.limits.helloTimeout,
                                      maximum: settings.configuration.limits.maximumPendingConnections)
        devices = SessionDevices(xtestNodes: xtest?.devices)
        deviceWorkers = AgentDeviceWorkers(wake: try WakeSignal())
        poller = try Poller()
    }

    var limits: Configuration.Limits { settings.configuration.limits }

    // MARK: - The loop

    static let threadName = "inputmuxd loop"

    func run() {
        // Agent work runs behind the human's input thread (AgentWork).
        AgentWork.lowerThisThread(logger: logger, thread: Self.threadName)
        // At most 15 characters, or the kernel keeps the old name (`top -H`, /proc/PID/task/*/comm).
        _ = inputmux_name_this_thread(Self.threadName)
        sight?.start()
        let fixed = [human.inbox.wake.fd, listeners.agent.fd, listeners.control.fd, deviceWorkers.wake.fd, windowSystem?.fileDescriptor ?? -1,
                     sight?.wake.fd ?? -1]
        for fd in fixed where fd >= 0 { watch(fd) }
        var ready = [inputmux_ready](repeating: inputmux_ready(), count: 64)
        while !stopRequested.isRaised {
            // The X server's news first: Xlib may hold events it read during a reply.
            if let windowSystem {
                let touchedBefore = engine.humanTouchedAt
                for input in windowSystem.service() { handle(input) }
                // Another client's injected click or keys (counted as the human's): where they went.
                if engine.humanTouchedAt != touchedBefore { for input in windowSystem.whereTheHumanIs() { handle(input) } }
            }
            if agentSeats != nil { seatsSettled() }
            // A running key gesture stops as soon as the focus leaves its lease.
            if let windowSystem, let input = windowSystem.focusWhileKeysRun(engine.seats.shared.running?.job.gesture.needsFocus == true,
                                                          now: MonotonicClock.now()) { handle(input) }
            // And a seat of its own whose focus left its lease while keys run.
            if agentSeats != nil { watchOwnSeatsFocus(now: MonotonicClock.now()) }
            let n = poller.wait(into: &ready, timeout: nextTimeout())
            if n < 0 && errno != EINTR {
                logger.error("epoll_wait failed", metadata: ["errno": "\(errno)"])
                break
            }
            var humans = false, agents = false, operators = false, made = false, seen = false
            for r in ready.prefix(max(0, n)) {
                switch r.fd {
                case fixed[0]: humans = true
                case fixed[1]: agents = true
                case fixed[2]: operators = true
                case fixed[3]: made = true
                case fixed[5]: seen = true
                default: break
                }
            }
            if humans { human.inbox.wake.consume() }
            // Human input first: it may pause agents before their next frame goes out.
            let now = MonotonicClock.now()
            let touchedBefore = engine.humanTouchedAt
            human.drain { handle($0, at: now) }
            // Where the human's click or keys went, for `[human] pause = "touched"`: asked
            // after the frames went out, so the human never waits for the X server.
            if let windowSystem, engine.humanTouchedAt != touchedBefore {
                for input in windowSystem.whereTheHumanIs() { handle(input) }
            }
            if agents { accept(.agent) }
            if operators { accept(.control) }
            listeners.resumeIfDue(poller, logger: logger)
            closeSilentConnections()
            if made {
                deviceWorkers.wake.consume()
                devicesCreated()
            }
            if seen { imagesMade() }
            for r in ready.prefix(max(0, n)) {
                guard let c = connections[r.fd] else { continue }
                // Writable again: the backlog goes out with this turn's output.
                if r.events & EPOLLOUT.rawValue != 0 { connections.markQueued(c) }
                if r.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { service(c) }
            }
            tick()
            flushQueued()
            afterTurn()
            reapClosing()
            watchdog.pingIfDue()
        }
        shutdown()
    }

    /// Sleep until the engine's next deadline (paced frames, TTLs, quiet period), the next
    /// watchdog ping, a hello deadline, the listeners' return, or one second, whichever
    /// comes first; in nanoseconds.
    private func nextTimeout() -> Int64 {
        let now = MonotonicClock.now()
        var timeout: Int64 = 1_000_000_000
        for d in [engine.nextDeadline, watchdog.nextPing, pendingHellos.nextDeadline, listeners.pausedUntil,
                  agentSeats?.nextDeadline].compactMap({ $0 }) {
            timeout = min(timeout, max(0, d.nanoseconds - now.nanoseconds))
        }
        return timeout
    }

    func watch(_ fd: Int32) {
        if !poller.watch(fd) {
            logger.error("epoll_ctl ADD failed", metadata: ["fd": "\(fd)", "errno": "\(errno)"])
        }
    }

    private func tick() {
        let now = MonotonicClock.now()
        if let d = engine.nextDeadline, d <= now { handle(.tick, at: now) }
    }

    /// One engine input and everything it decided, performed.
    func handle(_ input: EngineInput, at now: Instant = MonotonicClock.now()) {
        var out = LoopOutput(loop: self)
        engine.handle(input, at: now, into: &out)
        desktop = engine.desktop
        windowSystem?.forgetUnleasedWindows(engine.leases)
        retireDevices()
        if !captures.unmade.isEmpty { answerUnmade() }
    }

    // MARK: - Engine output

    fileprivate func emit(_ frame: Frame, to device: DeviceRef) {
        if let xtest { return xtest.write(frame, to: device) }
        guard let s = device.session, let d = devices.devices(of: s) else { return }
        do {
            switch device {
            case .agentPointer: try d.pointer.write(frame)
            case .agentKeyboard: try d.keyboard.write(frame)
            case .passthrough: break
            }
        } catch {
            logger.error("writing to agent device failed", metadata: ["session.id": "\(s)", "error": "\(error)"])
        }
    }

    func reply(_ reply: Reply, to requester: Requester, for id: RequestID) {
        let c: Connection?
        switch requester {
        case .session(let s): c = connections.sessions[s]
        case .operator(let o): c = connections.operators[o]
        }
        guard let c else { return }
        c.inFlight = max(0, c.inFlight - 1)
        if case .captured(let order, let facts) = reply { return sendCaptured(order, facts, id: id, to: c) }
        let operatorStatus: Replies.OperatorStatus? = c.kind == .control ? { (self.devicesInventory(), self.windowSystem?.operatorStatus()) } : nil
        send(Replies.engine(reply, id: id, budget: limits.maximumOutboundBytes / 2, operatorStatus: operatorStatus), to: c)
    }

    fileprivate func notify(_ event: LeaseEvent, to session: SessionID) {
        guard let c = connections.sessions[session] else { return }
        // Nothing reaches a client before its hello reply.
        if let now = c.phase.hold(event: WireEncoding.event(event)) { send(now, to: c) }
    }

    func audit(_ event: AuditEvent) {
        onAudit(event)
        // Encoded only for operators watching (`muxctl monitor`); most turns have none.
        var line: JSONValue?
        for c in connections.operators.values where c.phase.isMonitoring {
            let encoded = line ?? WireEncoding.audit(event)
            line = encoded
            send(encoded, to: c)
        }
    }

    fileprivate func device(_ action: DeviceAction) {
        perform(devices.apply(action, desktop: desktop))
        // The engine released what the session held before it asked for this.
        if case .destroy(let s) = action { agentSeats?.close(s, now: MonotonicClock.now()) }
    }

    // MARK: - Shutdown

    /// Destroys the devices the loop left at shutdown (after `run` has returned). The
    /// daemon calls it last, once the human's devices are back with the system and the
    /// audit log is synced: the kernel tears input devices down one at a time under its
    /// input mutex, about 45 ms each in the TCG guest, so 256 sessions take some 23 s,
    /// longer than the unit's TimeoutStopSec=15s. Should systemd kill the daemon here,
    /// nothing is lost: the kernel removes the rest as their files close.
    func destroyDevicesLeft() {
        for d in devices.takeAll() { d.destroy() }
    }

    private func shutdown() {
        // From here the devices wait for `destroyDevicesLeft`.
        devices.stop()
        handle(.shutdown)
        agentSeats?.closeAll(now: MonotonicClock.now())
        connections.closeAll()
        // Creations under way finish, and nothing they made outlives the daemon.
        deviceWorkers.waitUntilIdle()
        devicesCreated()
        listeners.close()
        poller.close()
        sight?.stop()
    }
}

/// Carries the engine's decisions into the loop, in the order they are made.
private struct LoopOutput: EngineOutput {
    unowned let loop: EngineLoop
    mutating func emit(_ frame: Frame, to device: DeviceRef) { loop.emit(frame, to: device) }
    mutating func reply(_ reply: Reply, to requester: Requester, for request: RequestID) {
        loop.reply(reply, to: requester, for: request)
    }
    mutating func notify(_ event: LeaseEvent, to session: SessionID) { loop.notify(event, to: session) }
    mutating func audit(_ event: AuditEvent) { loop.audit(event) }
    mutating func device(_ action: DeviceAction) { loop.device(action) }
    mutating func capture(_ order: CaptureOrder) { loop.ordered(order) }
    mutating func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome { loop.focusSeat(of: s, on: target) }
}
