import Glibc
import InputMuxClient
import InputMuxRelay
import InputMuxWire

/// What `muxctl agent lease status` shows: the holder's session and lease.
public struct HolderStatus: Sendable, Equatable {
    public var agent: Identity
    /// The holder process (it ends with `lease release`).
    public var holderPid: Int
    /// active, queued, pending_approval, paused, ended.
    public var state: String
    /// Why the lease is paused or ended.
    public var reason: String?
    public var lease: LeaseInfo
    public var pointerDevice: String
    public var keyboardDevice: String

    /// The status as one document (snake_case keys, as the daemon writes leases).
    public var document: JSON {
        var o: [String: JSON] = [
            "agent": agent.json, "holder_pid": .int(Int64(holderPid)), "state": .string(state), "lease": lease.json,
            "pointer_device": .string(pointerDevice), "keyboard_device": .string(keyboardDevice),
        ]
        if let reason { o["reason"] = .string(reason) }
        return .object(o)
    }

    /// One line, as the lease holder answers `status`.
    public var json: String { document.serialized }

    public init(json: String) throws(CLIError) {
        do throws(WireError) {
            let f = try JSONFields(JSON.wireLine(Array(json.utf8)))
            agent = try f.decode("agent")
            holderPid = try f.decode("holder_pid")
            state = try f.string("state")
            reason = try f.optionalString("reason")
            lease = try f.decode("lease")
            pointerDevice = try f.string("pointer_device")
            keyboardDevice = try f.string("keyboard_device")
        } catch {
            throw CLIError(.failure, "the lease holder's status could not be read (\(error.message))")
        }
    }

    public init(client: AgentClient, lease: Lease) {
        let session = client.session
        agent = session.identity
        holderPid = Int(getpid())
        (state, reason) = switch lease.state {
        case .active: ("active", nil)
        case .queued(let p, let why): ("queued", "position \(p): \(why)")
        case .pendingApproval(let why): ("pending_approval", why)
        case .paused(let why): ("paused", why.description)
        case .ended(let why): ("ended", why.description)
        }
        self.lease = lease.info
        pointerDevice = session.pointerDevice
        keyboardDevice = session.keyboardDevice
    }

    /// One paragraph for people.
    public var text: String {
        var uses = ["pointer"]
        if lease.keyboard { uses.append("keyboard") }
        return """
        \(lease.id) \(state)\(reason.map { " (\($0))" } ?? "") on \(lease.region) (\(uses.joined(separator: "+")))
        agent \(agent.name)#\(agent.session), held by muxctl pid \(holderPid)
        devices: pointer \(pointerDevice), keyboard \(keyboardDevice)
        """
    }
}

/// The lease holder's answers to the requests of later `muxctl agent` commands.
public struct AgentHolder: Sendable {
    public let client: AgentClient
    public let lease: Lease

    public init(client: AgentClient, lease: Lease) {
        self.client = client
        self.lease = lease
    }

    public func handle(_ line: String) async -> AgentRelayServer.Answer {
        switch line {
        case "status":
            return .init(.ok(HolderStatus(client: client, lease: lease).json))
        case "release":
            var reply = AgentRelay.Reply.ok(nil)
            do { try await lease.release() } catch {
                // Already gone on the daemon's side (revoked, daemon restarted): the lease
                // is over either way, which is what release asked for.
                if !lease.state.isEnded { reply = .error(code: error.code.rawValue, message: error.message) }
            }
            client.close()
            return .init(reply, stop: true)
        default:
            if let request = AgentCapture.request(inLine: line) {
                return .init(await AgentCapture.answer(request, client: client, lease: lease))
            }
            do {
                guard let action = try GestureScript.parse(line: line) else { return .init(.ok(nil)) }
                return await play([action])
            } catch {
                return .init(.error(code: error.relayCode, message: error.message))
            }
        }
    }

    /// Plays `actions` in order on the lease, stopping at the first refusal.
    public func play(_ actions: [AgentAction]) async -> AgentRelayServer.Answer {
        for action in actions {
            do { try await AgentSession.perform(action, on: lease) } catch {
                return .init(.error(code: error.relayCode, message: error.message))
            }
        }
        return .init(.ok(nil))
    }
}
