import CInputMuxSys
import Foundation
import Glibc
import InputMuxConfiguration
import InputMuxCore
import InputMuxLinux
import InputMuxWire
import Logging
import Synchronization

/// The engine thread: sockets, the engine, agent devices, the audit log.
///
/// Everything the engine decides happens here, in one thread, in order: no locks around
/// the engine. The human's input never comes through here first (see `HumanInput`);
/// it arrives afterwards through `PhysicalInbox` for the engine's bookkeeping.
final class EngineLoop {
    struct Settings {
        var configuration: Configuration
        var agentGroup: UInt32?
        var controlGroup: UInt32?
        var policyUIDs: [Int: UInt32]   // policy index → uid resolved from `user`
        var policyGIDs: [Int: UInt32]   // policy index → gid resolved from `group`
    }

    private var engine: Engine
    private let settings: Settings
    private let decoder: WireDecoder
    private let logger: Logger
    private let inbox: PhysicalInbox
    private let agentListener: SocketListener
    private let controlListener: SocketListener
    private let onAudit: (AuditEvent) -> Void
    /// Runs once a turn's output is written (the audit writer starts on the turn's records).
    private let afterTurn: () -> Void
    private let devicesInventory: () -> [HumanInput.DeviceSummary]
    private let stopRequested: StopFlag

    private var connections: [Int32: Connection] = [:]
    private var sessions: [SessionID: Connection] = [:]
    private var operators: [OperatorID: Connection] = [:]
    private var agentDevices: [SessionID: AgentDevices] = [:]
    /// `[output] mode = "xtest"`: agents' frames go into the X server instead of uinput.
    private let xtest: XTestOutput?
    /// The X11 adapter, when `[x11] enabled`.
    private let x11: X11Bridge?
    /// Device creation and destruction, off this thread.
    private let deviceWorkers: AgentDeviceWorkers
    /// Sessions whose devices are being created: their hello is answered when they are ready.
    private var creating: Set<SessionID> = []
    /// Set while shutting down: devices are then destroyed before the loop returns.
    private var stopping = false
    /// Devices of sessions that ended during the current engine input (`retireDevices`).
    private var retiring: [AgentDevices] = []
    /// The engine's desktop as of its last input: read here, never from inside
    /// `engine.handle` (its output callbacks run while the engine is being changed).
    private var desktop: Region
    private var nextSession: UInt32 = 1
    private var nextOperator: UInt32 = 1
    private var pendingPhysical: [UInt32: [EvdevEvent]] = [:]
    private var inboxScratch: [PhysicalInbox.Entry] = []
    private let watchdogInterval: Duration?
    private var lastWatchdog = MonotonicClock.now()
    /// Every descriptor the loop waits on: the fixed ones and each connection.
    private let epoll: Int32
    /// Connections with output queued this turn (`flushQueued`).
    private var queued: [Int32] = []
    /// The read buffer every connection's `readLines` fills in turn.
    private var readChunk = [UInt8](repeating: 0, count: 65536)
    /// Connections that have not said hello: their deadlines and the cap (`PendingHellos`).
    private var pendingHellos: PendingHellos
    private var nextSerial: UInt64 = 1
    /// Descriptors for new connections: the reserve that drains the backlog when they run out.
    private var connectionRoom = ConnectionRoom()

    init(engine: Engine, settings: Settings, decoder: WireDecoder, logger: Logger, inbox: PhysicalInbox,
         agentListener: SocketListener, controlListener: SocketListener, stopRequested: StopFlag,
         xtest: XTestOutput? = nil, x11: X11Bridge? = nil,
         devicesInventory: @escaping () -> [HumanInput.DeviceSummary], onAudit: @escaping (AuditEvent) -> Void, afterTurn: @escaping () -> Void = {}) throws(DaemonError) {
        self.engine = engine
        desktop = engine.desktop
        self.xtest = xtest
        self.x11 = x11
        self.settings = settings
        self.decoder = decoder
        self.logger = logger
        self.inbox = inbox
        self.agentListener = agentListener
        self.controlListener = controlListener
        self.stopRequested = stopRequested
        self.devicesInventory = devicesInventory
        self.onAudit = onAudit
        self.afterTurn = afterTurn
        pendingHellos = PendingHellos(timeout: settings.configuration.limits.helloTimeout,
                                      maximum: settings.configuration.limits.maximumPendingConnections)
        deviceWorkers = AgentDeviceWorkers(wake: try WakeSignal())
        epoll = inputmux_epoll_create()
        guard epoll >= 0 else { throw .system(call: "epoll_create1", errno: errno) }
        watchdogInterval = SystemdNotify.watchdogInterval()
        inboxScratch.reserveCapacity(8192)
    }

    private var limits: Configuration.Limits { settings.configuration.limits }

    // MARK: - The loop

    /// How much lower than the process the engine thread runs (nice). The human's
    /// input thread keeps the process's priority (the unit sets Nice=-10), so on a
    /// contended CPU a human frame goes out before agent work (DESIGN §4); agent work
    /// itself runs at the unit's -10 + 15 = 5, behind the compositor (nice 0) that
    /// reads the clones: when agents keep the engine busy, the compositor still gets
    /// about three times the engine's share of a contended CPU, so the human's frames
    /// reach the screen first (`muxbench daemon`, passthrough under a flood).
    static let niceOffset: Int32 = 15
    static let threadName = "inputmuxd loop"

    func run() {
        if inputmux_lower_this_thread(Self.niceOffset) != 0 {
            logger.debug("cannot lower the engine thread's priority", metadata: ["errno": "\(errno)"])
        }
        // At most 15 characters, or the kernel keeps the old name (`top -H`, /proc/PID/task/*/comm).
        _ = inputmux_name_this_thread(Self.threadName)
        let fixed = [inbox.wake.fd, agentListener.fd, controlListener.fd, deviceWorkers.wake.fd, x11?.fileDescriptor ?? -1]
        for fd in fixed where fd >= 0 { watch(fd) }
        var ready = [inputmux_ready](repeating: inputmux_ready(), count: 64)
        while !stopRequested.isRaised {
            // The X server's news first: Xlib may hold events it read during a reply.
            if let x11 { for input in x11.service() { handle(input) } }
            // A running key gesture stops as soon as the focus leaves its lease.
            if let x11, let input = x11.focusWhileKeysRun(engine.seat.running?.job.gesture.needsFocus == true,
                                                          now: MonotonicClock.now()) { handle(input) }
            // Sleep until the engine's next deadline (paced frames, TTLs, quiet period),
            // the next watchdog ping, or one second, whichever comes first.
            let now = MonotonicClock.now()
            var timeout: Int64 = 1_000_000_000
            if let deadline = engine.nextDeadline { timeout = min(timeout, max(0, deadline.nanoseconds - now.nanoseconds)) }
            if let w = watchdogInterval { timeout = min(timeout, max(0, (lastWatchdog + w).nanoseconds - now.nanoseconds)) }
            for d in [pendingHellos.nextDeadline, connectionRoom.pausedUntil].compactMap({ $0 }) {
                timeout = min(timeout, max(0, d.nanoseconds - now.nanoseconds))
            }
            let n = Int(inputmux_epoll_wait(epoll, &ready, Int32(ready.count), timeout))
            if n < 0 && errno != EINTR {
                logger.error("epoll_wait failed", metadata: ["errno": "\(errno)"])
                break
            }
            var humans = false, agents = false, operators = false, devices = false
            for r in ready.prefix(max(0, n)) {
                switch r.fd {
                case fixed[0]: humans = true
                case fixed[1]: agents = true
                case fixed[2]: operators = true
                case fixed[3]: devices = true
                default: break
                }
            }
            if humans { inbox.wake.consume() }
            // Human input first: it may pause agents before their next frame goes out.
            drainPhysical()
            if agents { acceptAll(agentListener, kind: .agent) }
            if operators { acceptAll(controlListener, kind: .control) }
            resumeListeners()
            closeSilentConnections()
            if devices {
                deviceWorkers.wake.consume()
                devicesCreated()
            }
            for r in ready.prefix(max(0, n)) {
                guard let c = connections[r.fd] else { continue }
                // Writable again: the backlog goes out with this turn's output.
                if r.events & EPOLLOUT.rawValue != 0 { markQueued(c) }
                if r.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { service(c) }
            }
            tick()
            flushQueued()
            afterTurn()
            reapClosing()
            pingWatchdog()
        }
        shutdown()
    }

    private func watch(_ fd: Int32, events: UInt32 = EPOLLIN.rawValue) {
        if inputmux_epoll_add(epoll, fd, events) != 0 {
            logger.error("epoll_ctl ADD failed", metadata: ["fd": "\(fd)", "errno": "\(errno)"])
        }
    }

    /// Writes what this turn queued, one `write` per connection, and asks epoll to say
    /// when a connection that could not take it all is writable again.
    private func flushQueued() {
        for fd in queued {
            guard let c = connections[fd] else { continue }
            c.queued = false
            c.flush()
            let wantsWrite = c.pendingOutput > 0
            if wantsWrite != c.watchingWrites {
                c.watchingWrites = wantsWrite
                _ = inputmux_epoll_modify(epoll, fd, EPOLLIN.rawValue | (wantsWrite ? EPOLLOUT.rawValue : 0))
            }
        }
        queued.removeAll(keepingCapacity: true)
    }

    /// `c` has output for this turn's `flushQueued`.
    private func markQueued(_ c: Connection) {
        guard !c.queued else { return }
        c.queued = true
        queued.append(c.fd)
    }

    private func pingWatchdog() {
        guard let w = watchdogInterval else { return }
        let now = MonotonicClock.now()
        if now - lastWatchdog >= w {
            SystemdNotify.watchdog()
            lastWatchdog = now
        }
    }

    private func tick() {
        let now = MonotonicClock.now()
        if let d = engine.nextDeadline, d <= now { handle(.tick, at: now) }
    }

    private func handle(_ input: EngineInput, at now: Instant = MonotonicClock.now()) {
        var out = LoopOutput(loop: self)
        engine.handle(input, at: now, into: &out)
        desktop = engine.desktop
        x11?.forgetUnleasedWindows(engine.leases)
        // While stopping, the devices wait for `destroyDevicesLeft`.
        if !stopping { retireDevices() }
    }

    /// Destroys the devices of ended sessions once everything the same input decided
    /// (the queue's grants above all) is on its way.
    ///
    /// UI_DEV_DESTROY waits for the kernel to tear the nodes down (about 200 ms per device
    /// on a loaded machine); on this thread the waiter's grant and every other agent's
    /// paced frames would wait behind it. The engine wrote the releases before it asked
    /// for the destroy, so the devices go to the device workers.
    private func retireDevices() {
        guard !retiring.isEmpty else { return }
        deviceWorkers.destroy(retiring)
        retiring.removeAll()
    }

    // MARK: - Human input

    private func drainPhysical() {
        inboxScratch.removeAll(keepingCapacity: true)
        let lost = inbox.drain(into: &inboxScratch)
        guard !inboxScratch.isEmpty || lost else { return }
        let now = MonotonicClock.now()
        for entry in inboxScratch {
            if entry.event.type == EV.syn {
                let events = pendingPhysical.removeValue(forKey: entry.device) ?? []
                if !events.isEmpty { handle(.physical(device: entry.device, Frame(events)), at: now) }
            } else {
                pendingPhysical[entry.device, default: []].append(entry.event)
            }
        }
        if lost {
            // Events were lost: still count the human as active.
            handle(.physical(device: 0, Frame([EvdevEvent(type: EV.rel, code: REL.x, value: 0)])), at: now)
        }
    }

    // MARK: - Connections

    private func acceptAll(_ listener: SocketListener, kind: Connection.Kind) {
        let room = ConnectionRoom.descriptorLimit()
        while true {
            guard let fd = listener.accept() else {
                let e = errno
                if e == EINTR || e == ECONNABORTED { continue }
                // Out of descriptors: the backlog would keep the level-triggered listener
                // ready and the loop spinning. Shed it (or pause the listeners).
                if e == EMFILE || e == ENFILE {
                    if connectionRoom.shed(listener) { continue }
                    if connectionRoom.pausedUntil == nil { pauseListeners() }
                    logShedding()
                }
                break
            }
            // Keep descriptors for the human's devices (HumanInput opens each one plugged in).
            if ConnectionRoom.mustRefuse(fd: fd, limit: room) {
                ConnectionRoom.refuse(fd, WireError(.notAllowed, "the daemon keeps its last file descriptors for input "
                    + "devices and has no room for another connection; try again later, or ask the operator to raise "
                    + "LimitNOFILE (now \(room.map(String.init) ?? "?"))"))
                connectionRoom.refused += 1
                logShedding()
                continue
            }
            guard let peer = PeerCredentials.of(socket: fd) else { Glibc.close(fd); continue }
            let c = Connection(fd: fd, kind: kind, peer: peer)
            c.serial = nextSerial
            nextSerial += 1
            connections[fd] = c
            watch(fd)
            if let victim = pendingHellos.add(serial: c.serial, fd: fd, uid: peer.uid, at: MonotonicClock.now()),
               let old = connections[victim.fd], old.serial == victim.serial, !old.closing {
                send(WireEncoding.error(WireError(.outOfOrder, "closed before hello: more than "
                    + "\(limits.maximumPendingConnections) connections had not said hello (max_pending_connections), and "
                    + "this was the oldest of uid \(victim.uid); connect again and send hello at once"), id: nil), to: old)
                old.closing = true
                logger.notice("closing a connection that had not said hello: too many pending",
                              metadata: ["peer.uid": "\(victim.uid)", "peer.pid": "\(old.peer.pid)"])
            }
        }
    }

    /// Closes the connections that said no hello within `hello_timeout_ms`.
    private func closeSilentConnections() {
        guard let first = pendingHellos.nextDeadline, first <= MonotonicClock.now() else { return }
        for e in pendingHellos.expired(at: MonotonicClock.now()) {
            guard let c = connections[e.fd], c.serial == e.serial, !c.helloDone, c.pendingHello == nil, !c.closing else { continue }
            let ms = limits.helloTimeout.nanosecondCount / 1_000_000
            send(WireEncoding.error(WireError(.outOfOrder, "no hello within \(ms) ms of connecting (hello_timeout_ms); "
                + "connect again and send {\"type\":\"hello\",\"id\":1,\"protocol\":1,\"name\":\"…\"} first"), id: nil), to: c)
            c.closing = true
            logger.info("closing a connection that said no hello", metadata: ["peer.uid": "\(c.peer.uid)", "peer.pid": "\(c.peer.pid)"])
        }
    }

    /// Both listeners leave epoll for a moment when even the reserve descriptor is gone.
    private func pauseListeners() {
        _ = inputmux_epoll_remove(epoll, agentListener.fd)
        _ = inputmux_epoll_remove(epoll, controlListener.fd)
        connectionRoom.pausedUntil = MonotonicClock.now() + ConnectionRoom.pause
    }

    private func resumeListeners() {
        guard let until = connectionRoom.pausedUntil, until <= MonotonicClock.now() else { return }
        connectionRoom.pausedUntil = nil
        watch(agentListener.fd)
        watch(controlListener.fd)
    }

    /// At most one warning a second while connections are shed or refused.
    private func logShedding() {
        let now = MonotonicClock.now()
        guard now >= connectionRoom.nextWarning else { return }
        connectionRoom.nextWarning = now + .seconds(1)
        logger.warning("out of file descriptors for connections: new connections are closed at once",
                       metadata: ["shed": "\(connectionRoom.shedCount)", "refused": "\(connectionRoom.refused)",
                                  "listeners.paused": "\(connectionRoom.pausedUntil != nil)"])
    }

    private func service(_ c: Connection) {
        switch c.readLines(maximumLine: limits.maximumMessageBytes, chunk: &readChunk) {
        case .closed:
            drop(c)
        case .lines(let lines, let oversized):
            for _ in 0..<oversized {
                protocolError(c, WireError(.tooLarge, "message longer than \(limits.maximumMessageBytes) bytes; split it or send less text per gesture"), id: nil)
            }
            for line in lines where connections[c.fd] != nil {
                receive(line, from: c)
            }
        }
    }

    private func protocolError(_ c: Connection, _ e: WireError, id: RequestID?) {
        c.protocolErrors += 1
        send(WireEncoding.error(e, id: id), to: c)
        if c.protocolErrors > limits.maximumProtocolErrors {
            logger.warning("closing abusive connection", metadata: ["peer.pid": "\(c.peer.pid)", "peer.uid": "\(c.peer.uid)"])
            c.closing = true
        }
    }

    private func receive(_ line: ArraySlice<UInt8>, from c: Connection) {
        if c.pendingHello != nil || c.replacingDevices {
            // Requests pipelined behind the hello wait for its reply, in order (and, after a
            // desktop change, for the session's new devices).
            guard c.heldLines.count < limits.maximumInFlight else {
                protocolError(c, WireError(.tooManyInFlight, "more than \(limits.maximumInFlight) requests sent before the hello reply or the desktop event; wait for it"), id: nil)
                return
            }
            c.heldLines.append(Array(line))
            return
        }
        let value: JSONValue
        do {
            value = try JSONValue.wireLine(line)
        } catch {
            protocolError(c, error, id: nil)
            return
        }
        let request: WireRequest
        do {
            request = try decoder.decode(value, controlSocket: c.kind == .control)
        } catch {
            protocolError(c, error, id: WireDecoder.id(in: value))
            return
        }
        switch request.body {
        case .hello(let version, let name):
            hello(c, id: request.id, version: version, name: name)
        case .bye:
            c.closing = true
        case _ where !c.helloDone:
            protocolError(c, WireError(.outOfOrder, "send hello first: {\"type\":\"hello\",\"id\":1,\"protocol\":1,\"name\":\"…\"}"), id: request.id)
        case _ where c.inFlight >= limits.maximumInFlight:
            protocolError(c, WireError(.tooManyInFlight, "more than \(limits.maximumInFlight) requests unanswered; wait for replies"), id: request.id)
        case .agent(var r):
            guard let s = c.session else { return }
            c.inFlight += 1
            if request.window != nil || x11 != nil {
                do throws(Rejection) {
                    guard let x11 else {
                        throw Rejection(.noSuchWindow, "lease refused: window leases need the X11 adapter; set [x11] enabled = true in inputmux.toml")
                    }
                    let before: [EngineInput]
                    (r, before) = try x11.prepare(r, window: request.window)
                    for input in before { handle(input) }
                } catch {
                    // Refused before the engine saw it: audited here, like its own refusals.
                    audit(AuditEvent(time: MonotonicClock.now(), identity: c.identity, lease: nil, action: "acquire",
                                     decision: .rejected, reason: error.code, message: error.message))
                    return reply(.rejected(error), to: .session(s), for: request.id)
                }
            }
            handle(.agent(s, request.id, r))
        case .control(let command):
            guard let o = c.operatorID else { return }
            c.inFlight += 1
            handle(.operator(o, request.id, command))
        case .monitor:
            c.monitoring = true
            send(["type": "reply", "id": .int(Int64(request.id.rawValue)), "ok": true, "result": ["monitoring": true]], to: c)
        }
    }

    private func hello(_ c: Connection, id: RequestID, version: Int64, name: String?) {
        pendingHellos.remove(serial: c.serial)
        guard !c.helloDone else {
            protocolError(c, WireError(.outOfOrder, "hello was already sent on this connection"), id: id)
            return
        }
        guard version == wireProtocolVersion else {
            send(WireEncoding.error(WireError(.unknownVersion, "this daemon speaks protocol \(wireProtocolVersion); you sent \(version)"), id: id), to: c)
            c.closing = true
            return
        }
        switch c.kind {
        case .control:
            guard c.peer.uid == 0 || settings.controlGroup.map(c.peer.isMember(of:)) == true else {
                refuse(c, id: id, "uid \(c.peer.uid) may not use the control socket; run as root or join the admin group")
                return
            }
            let o = OperatorID(nextOperator)
            nextOperator += 1
            c.operatorID = o
            operators[o] = c
            c.helloDone = true
            send(["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true,
                  "result": ["protocol": .int(wireProtocolVersion), "operator": .int(Int64(o.rawValue)),
                             "desktop": WireEncoding.region(desktop),
                             "devices": .array(devicesInventory().map(Self.device))]], to: c)
        case .agent:
            guard let name else {
                protocolError(c, WireError(.malformed, "name: give the agent's name (1–64 bytes of UTF-8, printable characters, no quotes)"), id: id)
                return
            }
            // WireDecoder admitted only a printable name of at most 64 bytes (PrintableText).
            guard let rule = policy(for: c.peer, name: name) else {
                refuse(c, id: id, "uid \(c.peer.uid) may not connect as agent \"\(name)\": no [[policy]] in the configuration allows it; ask the operator to add one")
                return
            }
            let open = sessions.values.filter { $0.peer.uid == c.peer.uid }.count
            guard open < rule.maximumSessions else {
                refuse(c, id: id, "uid \(c.peer.uid) already has \(open) sessions, the most its policy allows; end one first")
                return
            }
            let sid = SessionID(nextSession)
            nextSession += 1
            c.session = sid
            sessions[sid] = c
            let identity = AgentIdentity(name: name, session: sid, uid: c.peer.uid, gid: c.peer.gid, pid: c.peer.pid, exe: c.peer.exe,
                                        exeSource: c.peer.exeSource)
            handle(.connect(identity, rule.sessionPolicy(textInClear: settings.configuration.audit.textInClear)))
            c.identity = identity
            c.pendingHello = id
            if !creating.contains(sid) { helloDevicesReady(c, failure: "the engine did not ask for them") }
        }
    }

    /// Answers hello sessions whose devices the workers finished; devices of sessions
    /// that ended meanwhile go straight back to the workers for removal.
    private func devicesCreated() {
        for (sid, outcome) in deviceWorkers.collect() {
            creating.remove(sid)
            let c = sessions[sid]
            switch outcome {
            case .ready(let devices):
                if c == nil || stopping {
                    retiring.append(devices)
                } else if devices.desktop != desktop, let name = c?.identity?.name {
                    // Made for a layout that changed again meanwhile: make them anew.
                    retiring.append(devices)
                    creating.insert(sid)
                    deviceWorkers.create(name: name, session: sid, desktop: desktop)
                    continue
                } else {
                    if let old = agentDevices.updateValue(devices, forKey: sid) { retiring.append(old) }
                    logger.info("agent devices ready", metadata: ["session.id": "\(sid)", "agent.name": "\(c?.identity?.name ?? "")",
                                                               "desktop": "\(devices.desktop)"])
                }
            case .failed(let error):
                logger.error("could not create agent devices", metadata: ["session.id": "\(sid)", "error": "\(error)"])
            }
            if let c, !stopping {
                var failure: String?
                if case .failed(let error) = outcome { failure = error }
                if c.pendingHello != nil {
                    c.replacingDevices = false   // the hello reply tells the desktop and devices
                    helloDevicesReady(c, failure: failure)
                } else if c.replacingDevices {
                    // On failure the session keeps its old devices (logged above).
                    devicesReplaced(c)
                }
            }
        }
        if !stopping { retireDevices() }
    }

    /// The hello reply of a session whose devices exist now (or its refusal), then the
    /// requests it sent meanwhile.
    private func helloDevicesReady(_ c: Connection, failure: String?) {
        guard let id = c.pendingHello, let sid = c.session, let identity = c.identity else { return }
        c.pendingHello = nil
        guard let devices = devices(of: sid) else {
            // The device layer's sentence already says what to do (load uinput, end sessions…).
            refuse(c, id: id, "could not create this session's virtual devices: \(failure ?? "unknown error; muxctl doctor checks /dev/uinput and the service")")
            c.heldLines.removeAll()
            c.heldEvents.removeAll()
            sessions[sid] = nil
            c.session = nil
            handle(.disconnect(sid))
            return
        }
        c.helloDone = true
        send(["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true,
              "result": ["protocol": .int(wireProtocolVersion), "session": .int(Int64(sid.rawValue)),
                         "identity": WireEncoding.identity(identity),
                         "desktop": WireEncoding.region(desktop),
                         "devices": .object(devices.mapValues { .string($0) }),
                         "limits": ["max_message_bytes": .int(Int64(limits.maximumMessageBytes)),
                                    "max_in_flight": .int(Int64(limits.maximumInFlight)),
                                    "max_text_length": .int(Int64(limits.maximumTextLength)),
                                    "max_path_points": .int(Int64(limits.maximumPathPoints))]]], to: c)
        for event in c.heldEvents { send(event, to: c) }
        c.heldEvents.removeAll()
        replayHeldLines(c)
    }

    /// The desktop changed and the session's new devices are ready (or could not be
    /// made: it keeps the old ones): tells the session, then runs the requests it sent
    /// meanwhile.
    private func devicesReplaced(_ c: Connection) {
        guard let sid = c.session else { return }
        c.replacingDevices = false
        send(WireEncoding.desktop(desktop, devices: devices(of: sid) ?? [:]), to: c)
        replayHeldLines(c)
    }

    private func replayHeldLines(_ c: Connection) {
        let held = c.heldLines
        c.heldLines.removeAll()
        for line in held where connections[c.fd] != nil && !c.closing { receive(line[...], from: c) }
    }

    /// What replies and events list as the session's `devices`.
    private func devices(of sid: SessionID) -> [String: String]? {
        xtest?.devices ?? agentDevices[sid].map { ["pointer": $0.pointer.devnode, "keyboard": $0.keyboard.devnode] }
    }

    static func device(_ d: HumanInput.DeviceSummary) -> JSONValue {
        ["id": .int(Int64(d.id)), "path": .string(d.path), "name": .string(d.name), "clone": .string(d.clone),
         "classes": .string(d.classes)]
    }

    private func refuse(_ c: Connection, id: RequestID, _ message: String) {
        logger.notice("connection refused", metadata: ["peer.uid": "\(c.peer.uid)", "peer.pid": "\(c.peer.pid)", "reason": "\(message)"])
        send(WireEncoding.error(WireError(.notAllowed, message), id: id), to: c)
        c.closing = true
    }

    /// The first policy that matches the peer and allows the name (`PolicyMatcher`).
    private func policy(for peer: PeerCredentials, name: String) -> PolicyRule? {
        PolicyMatcher(rules: settings.configuration.policies, userIDs: settings.policyUIDs,
                      groupIDs: settings.policyGIDs).rule(for: peer, name: name)
    }

    fileprivate func send(_ message: JSONValue, to c: Connection) {
        markQueued(c)
        if !c.send(message, maximumPending: limits.maximumOutboundBytes) {
            logger.warning("closing slow reader", metadata: ["peer.pid": "\(c.peer.pid)", "pending": "\(c.pendingOutput)"])
            c.closing = true
        }
    }

    private func reapClosing() {
        for c in connections.values where c.closing {
            c.flush()
            drop(c)
        }
    }

    private func drop(_ c: Connection) {
        connections[c.fd] = nil
        pendingHellos.remove(serial: c.serial)
        if let s = c.session {
            sessions[s] = nil
            handle(.disconnect(s))
        }
        if let o = c.operatorID { operators[o] = nil }
        _ = inputmux_epoll_remove(epoll, c.fd)
        c.close()
    }

    // MARK: - Engine output

    fileprivate func emit(_ frame: Frame, to device: DeviceRef) {
        if let xtest { return xtest.write(frame, to: device) }
        guard let s = device.session, let d = agentDevices[s] else { return }
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

    fileprivate func reply(_ reply: Reply, to requester: Requester, for id: RequestID) {
        let c: Connection?
        switch requester {
        case .session(let s): c = sessions[s]
        case .operator(let o): c = operators[o]
        }
        guard let c else { return }
        c.inFlight = max(0, c.inFlight - 1)
        // A status too large for the output bound is cut to fit, never a disconnect.
        var message = if case .status(let s) = reply {
            WireEncoding.statusReply(s, id: id, budget: limits.maximumOutboundBytes / 2)
        } else {
            WireEncoding.reply(reply, id: id)
        }
        if case .status = reply, c.kind == .control, case .object(var o) = message, case .object(var r) = o["result"] ?? .null {
            r["devices"] = .array(devicesInventory().map(Self.device))
            if let x11 { r["foreign_input"] = x11.foreignStatus() }
            o["result"] = .object(r)
            message = .object(o)
        }
        send(message, to: c)
    }

    fileprivate func notify(_ event: LeaseEvent, to session: SessionID) {
        guard let c = sessions[session] else { return }
        // Nothing reaches a client before its hello reply.
        if c.pendingHello != nil { c.heldEvents.append(WireEncoding.event(event)); return }
        send(WireEncoding.event(event), to: c)
    }

    fileprivate func audit(_ event: AuditEvent) {
        onAudit(event)
        // Encoded only for operators watching (`muxctl monitor`); most turns have none.
        var line: JSONValue?
        for c in operators.values where c.monitoring {
            let encoded = line ?? WireEncoding.audit(event)
            line = encoded
            send(encoded, to: c)
        }
    }

    fileprivate func device(_ action: DeviceAction) {
        switch action {
        case .create(let identity):
            // XTest: the X server's own XTEST devices serve every session; nothing to make.
            if xtest != nil { return }
            // UI_DEV_CREATE and udev settling take long: the hello is answered when the
            // workers are done (`devicesCreated`), and the engine keeps running meanwhile.
            creating.insert(identity.session)
            deviceWorkers.create(name: identity.name, session: identity.session, desktop: desktop)
        case .destroy(let s):
            xtest?.forget(s)
            // A session still being created has no devices yet: `devicesCreated` removes
            // them when they arrive.
            guard let d = agentDevices.removeValue(forKey: s) else { return }
            retiring.append(d)
        case .replace(let identity, let desktop):
            // The engine released what the old devices held. Their requests wait for the
            // new ones (`receive`); the old ones serve until then.
            guard let c = sessions[identity.session], !stopping else { return }
            if let xtest { return send(WireEncoding.desktop(desktop, devices: xtest.devices), to: c) }
            c.replacingDevices = true
            if creating.insert(identity.session).inserted {
                deviceWorkers.create(name: identity.name, session: identity.session, desktop: desktop)
            }
        }
    }

    // MARK: - Shutdown

    /// The sessions' devices at shutdown, released but not yet destroyed.
    private var leftAtShutdown: [AgentDevices] = []

    /// Destroys the devices the loop left at shutdown (after `run` has returned). The
    /// daemon calls it last, once the human's devices are back with the system and the
    /// audit log is synced: the kernel tears input devices down one at a time under its
    /// input mutex, about 45 ms each in the TCG guest, so 256 sessions take some 23 s,
    /// longer than the unit's TimeoutStopSec=15s. Should systemd kill the daemon here,
    /// nothing is lost: the kernel removes the rest as their files close.
    func destroyDevicesLeft() {
        for d in leftAtShutdown { d.destroy() }
        leftAtShutdown.removeAll()
    }

    private func shutdown() {
        stopping = true
        handle(.shutdown)
        for c in connections.values {
            c.flush()
            c.close()
        }
        connections.removeAll()
        // Creations under way finish, and nothing they made outlives the daemon.
        deviceWorkers.waitUntilIdle()
        devicesCreated()
        // The engine released what every session held; the devices themselves go last
        // (`destroyDevicesLeft`).
        leftAtShutdown = retiring + Array(agentDevices.values)
        retiring.removeAll()
        agentDevices.removeAll()
        agentListener.close()
        controlListener.close()
        Glibc.close(epoll)
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
}
