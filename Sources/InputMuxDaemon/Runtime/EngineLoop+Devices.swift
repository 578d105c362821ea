import InputMuxCore
import InputMuxLinux

/// Sessions' devices: the loop performs what `SessionDevices` decides, and answers the
/// sessions waiting for their devices.
extension EngineLoop {
    /// Takes the creations the device workers finished.
    func devicesCreated() {
        for (sid, outcome) in deviceWorkers.collect() {
            perform(devices.finished(sid, outcome, desktop: desktop))
        }
        retireDevices()
    }

    func perform(_ steps: [SessionDevices<AgentDevices>.Step]) {
        for step in steps {
            switch step {
            case .make(let name, let s, let desktop):
                // UI_DEV_CREATE and udev settling take long: the hello is answered when the
                // workers are done (`devicesCreated`), and the engine keeps running meanwhile.
                deviceWorkers.create(name: name, session: s, desktop: desktop)
            case .answer(let s, let failure):
                guard let c = connections.sessions[s] else { continue }
                switch c.phase {
                case .awaitingDevices: helloDevicesReady(c, failure: failure)
                // On failure the session keeps its old devices (logged before).
                case .replacingDevices: devicesReplaced(c)
                case .awaitingHello, .session, .operator: break
                }
            case .holdRequests(let s):
                connections.sessions[s]?.phase.replacingDevices()
            case .announceDesktop(let s, let desktop):
                if let c = connections.sessions[s] { send(WireEncoding.desktop(desktop, devices: devices.nodes(of: s) ?? [:]), to: c) }
            case .forget(let s):
                xtest?.forget(s)
            case .ready(let s, let desktop):
                logger.info("agent devices ready", metadata: ["session.id": "\(s)", "agent.name": "\(connections.sessions[s]?.phase.identity?.name ?? "")",
                                                           "desktop": "\(desktop)"])
            case .failed(let s, let error):
                logger.error("could not create agent devices", metadata: ["session.id": "\(s)", "error": "\(error)"])
            }
        }
    }

    /// Destroys the devices of ended sessions once everything the same input decided
    /// (the queue's grants above all) is on its way.
    ///
    /// UI_DEV_DESTROY waits for the kernel to tear the nodes down (about 200 ms per device
    /// on a loaded machine); on this thread the waiter's grant and every other agent's
    /// paced frames would wait behind it. The engine wrote the releases before it asked
    /// for the destroy, so the devices go to the device workers.
    func retireDevices() {
        deviceWorkers.destroy(devices.takeRetiring())
    }

    /// The session's devices exist now (or could not be made): with seats of their own,
    /// its seat is made next (the hello waits until its devices are attached); then the
    /// hello is answered.
    func helloDevicesReady(_ c: Connection, failure: String?) {
        guard c.phase.pendingHello != nil, let identity = c.phase.identity else { return }
        let s = identity.session
        guard devices.nodes(of: s) != nil else { return answerHello(c, seat: nil, failure: failure) }
        guard let agentSeats else {
            let why = windowSystem?.seatsOffReason ?? "no window system with seats (no window-system adapter is on)"
            return answerHello(c, seat: .shared(reason: why), failure: nil)
        }
        let names = xtest != nil ? [] : [AgentDevices.deviceName(name: identity.name, session: s, role: .pointer),
                                         AgentDevices.deviceName(name: identity.name, session: s, role: .keyboard)]
        switch agentSeats.open(identity, devices: names, now: MonotonicClock.now()) {
        case .settled(let seat):
            handle(.seat(s, seat))
            answerHello(c, seat: seat, failure: nil)
        case .waiting:
            break  // `seatsSettled` answers once the server has added the devices
        }
    }

    /// The engine puts an own seat's focus on a lease (`EngineOutput.focusSeat`).
    func focusSeat(of s: SessionID, on target: SeatFocusTarget) -> SeatFocusOutcome {
        agentSeats?.focus(s, on: target) ?? .refused("the seat is gone")
    }

    /// While keys run on seats of their own, at most every `seatFocusPollInterval`: a
    /// seat whose focus left its lease stops its keys in the engine.
    func watchOwnSeatsFocus(now: Instant) {
        guard let agentSeats else { return }
        let typing = engine.ownSeatsTyping()
        guard !typing.isEmpty else { lastSeatFocusPoll = nil; return }
        if let last = lastSeatFocusPoll, now < last + Self.seatFocusPollInterval { return }
        lastSeatFocusPoll = now
        for (s, target) in typing where !agentSeats.focusHolds(s, on: target) { handle(.seatFocusLost(s)) }
    }

    static let seatFocusPollInterval: Duration = .milliseconds(10)

    /// Seats whose devices the X server has attached since (or never will): the engine
    /// learns which seat each session has, and the hello is answered.
    func seatsSettled() {
        guard let agentSeats else { return }
        for (s, seat) in agentSeats.service(now: MonotonicClock.now()) {
            guard let c = connections.sessions[s] else { continue }
            handle(.seat(s, seat))
            if c.phase.pendingHello != nil { answerHello(c, seat: seat, failure: nil) }
        }
    }

    /// The hello reply of a session whose devices exist now (or its refusal), then the
    /// events and requests it got and sent meanwhile.
    func answerHello(_ c: Connection, seat: SeatAssignment?, failure: String?) {
        guard let id = c.phase.pendingHello, let identity = c.phase.identity else { return }
        guard let nodes = devices.nodes(of: identity.session), let seat else {
            // The device layer's sentence already says what to do (load uinput, end sessions…).
            refuse(c, id: id, .noDevices(failure))
            c.phase.helloFailed()
            connections.endSession(identity.session)
            handle(.disconnect(identity.session))
            return
        }
        send(Replies.agentHello(id, identity: identity, desktop: desktop, devices: nodes, seat: seat, limits: limits), to: c)
        let held = c.phase.helloAnswered()
        for event in held.events { send(event, to: c) }
        serve(held.lines, from: c)
    }

    /// The desktop changed and the session's new devices are ready (or could not be
    /// made: it keeps the old ones): tells the session, then serves the requests it sent
    /// meanwhile.
    func devicesReplaced(_ c: Connection) {
        guard let s = c.phase.session else { return }
        if let agentSeats, xtest == nil, let identity = c.phase.identity {
            agentSeats.reattach(s, devices: [AgentDevices.deviceName(name: identity.name, session: s, role: .pointer),
                                             AgentDevices.deviceName(name: identity.name, session: s, role: .keyboard)],
                                now: MonotonicClock.now())
        }
        let held = c.phase.devicesReplaced()
        send(WireEncoding.desktop(desktop, devices: devices.nodes(of: s) ?? [:]), to: c)
        serve(held, from: c)
    }

    private func serve(_ held: [[UInt8]], from c: Connection) {
        for line in held where connections.contains(c) && !c.closing { receive(line[...], from: c) }
    }
}
