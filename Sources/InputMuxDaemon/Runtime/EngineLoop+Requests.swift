import InputMuxWire
import InputMuxConfiguration
import InputMuxCore
import InputMuxLinux
import InputMuxX11

/// One line from a connection: held while its phase holds requests, decoded, checked
/// against the connection's phase and limits, and handed to the engine.
extension EngineLoop {
    func receive(_ line: ArraySlice<UInt8>, from c: Connection) {
        // Requests pipelined behind the hello wait for its reply, in order (and, after a
        // desktop change, for the session's new devices).
        switch c.phase.hold(line, maximum: limits.maximumInFlight) {
        case .held: return
        case .full: return protocolError(c, .tooManyHeld(limit: limits.maximumInFlight), id: nil)
        case .serve: break
        }
        let value: JSONValue
        do {
            value = try JSONValue.wireLine(line)
        } catch {
            return protocolError(c, error, id: nil)
        }
        let request: WireRequest
        do {
            request = try decoder.decode(value, controlSocket: c.kind == .control)
        } catch {
            return protocolError(c, error, id: WireDecoder.id(in: value))
        }
        switch request.body {
        case .hello(let version, let name):
            hello(c, id: request.id, version: version, name: name)
        case .bye:
            c.closing = true
        case _ where !c.phase.helloDone:
            protocolError(c, .helloFirst, id: request.id)
        case _ where c.inFlight >= limits.maximumInFlight:
            protocolError(c, .tooManyInFlight(limit: limits.maximumInFlight), id: request.id)
        case .agent(let r):
            guard let s = c.phase.session else { return }
            c.inFlight += 1
            guard let r = prepareForWindowSystem(r, window: request.window, from: c, id: request.id) else { return }
            asking(request.capture, from: .session(s), id: request.id)
            handle(.agent(s, request.id, r))
            if request.capture != nil { asked(from: .session(s), id: request.id) }
        case .control(let command):
            guard let o = c.phase.operatorID else { return }
            c.inFlight += 1
            asking(request.capture, from: .operator(o), id: request.id)
            handle(.operator(o, request.id, command))
            if request.capture != nil { asked(from: .operator(o), id: request.id) }
        case .monitor:
            c.phase.startMonitoring()
            send(Replies.monitoring(request.id), to: c)
        }
    }

    /// With a window-system adapter, a window lease gets its window and a key gesture the
    /// focus as it is (`WindowSystem.prepare`); without one, a window lease is refused. Nil
    /// when the request was refused here: audited and answered like the engine's own refusals.
    private func prepareForWindowSystem(_ request: AgentRequest, window: WindowMatch?, from c: Connection, id: RequestID) -> AgentRequest? {
        guard window != nil || windowSystem != nil, let s = c.phase.session else { return request }
        do throws(Rejection) {
            guard let windowSystem else {
                throw Rejection(.noSuchWindow, "lease refused: window leases need a window-system adapter; set [x11] enabled = true in inputmux.toml")
            }
            let (prepared, before) = try windowSystem.prepare(request, window: window)
            for input in before { handle(input) }
            return prepared
        } catch {
            audit(AuditEvent(time: MonotonicClock.now(), identity: c.phase.identity, lease: nil, action: "acquire",
                             decision: .rejected, reason: error.code, message: error.message))
            reply(.rejected(error), to: .session(s), for: id)
            return nil
        }
    }

    private func hello(_ c: Connection, id: RequestID, version: Int64, name: String?) {
        pendingHellos.remove(serial: c.serial)
        guard !c.phase.helloDone else { return protocolError(c, .helloAgain, id: id) }
        guard version == wireProtocolVersion else {
            send(WireEncoding.error(.unknownVersion(version), id: id), to: c)
            c.closing = true
            return
        }
        switch c.kind {
        case .control:
            do throws(Admission.Refusal) {
                try admission.admitOperator(c.peer)
            } catch {
                return refuse(c, id: id, error.wireError)
            }
            let o = connections.newOperator(for: c)
            c.phase.admitOperator(o)
            send(Replies.operatorHello(id, operator: o, desktop: desktop, devices: devicesInventory()), to: c)
        case .agent:
            // WireDecoder admitted only a printable name of at most 64 bytes (PrintableText).
            guard let name else { return protocolError(c, .nameMissing, id: id) }
            let rule: PolicyRule
            do throws(Admission.Refusal) {
                rule = try admission.admitAgent(c.peer, name: name, openSessions: connections.sessionCount(uid: c.peer.uid))
            } catch {
                return refuse(c, id: id, error.wireError)
            }
            let sid = connections.newSession(for: c)
            let identity = AgentIdentity(name: name, session: sid, uid: c.peer.uid, gid: c.peer.gid, pid: c.peer.pid, exe: c.peer.exe,
                                         exeSource: c.peer.exeSource)
            // From here events for the session wait for the hello reply.
            c.phase.admitAgent(identity, hello: id)
            handle(.connect(identity, rule.sessionPolicy(textInClear: settings.configuration.audit.textInClear)))
            if !devices.isMaking(sid) { helloDevicesReady(c, failure: "the engine did not ask for them") }
        }
    }
}
