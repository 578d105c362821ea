import InputMuxWire
import InputMuxConfiguration
import InputMuxCore

/// The replies the loop itself writes (docs/PROTOCOL.md), one function per kind. The
/// engine's replies and events are `WireEncoding`'s.
enum Replies {
    /// An agent's hello, answered once its devices exist.
    static func agentHello(_ id: RequestID, identity: AgentIdentity, desktop: Region, devices: [String: String],
                           seat: SeatAssignment, limits: Configuration.Limits) -> JSONValue {
        ["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true,
         "result": ["protocol": .int(wireProtocolVersion), "session": .int(Int64(identity.session.rawValue)),
                    "identity": WireEncoding.identity(identity),
                    "desktop": WireEncoding.region(desktop),
                    "devices": .object(devices.mapValues { .string($0) }),
                    "seat": WireEncoding.seat(seat),
                    "limits": ["max_message_bytes": .int(Int64(limits.maximumMessageBytes)),
                               "max_in_flight": .int(Int64(limits.maximumInFlight)),
                               "max_text_length": .int(Int64(limits.maximumTextLength)),
                               "max_path_points": .int(Int64(limits.maximumPathPoints))]]]
    }

    /// An operator's hello on the control socket: the desktop and the human's devices.
    static func operatorHello(_ id: RequestID, operator o: OperatorID, desktop: Region,
                              devices: [HumanInput.DeviceSummary]) -> JSONValue {
        ["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true,
         "result": ["protocol": .int(wireProtocolVersion), "operator": .int(Int64(o.rawValue)),
                    "desktop": WireEncoding.region(desktop),
                    "devices": .array(devices.map(device))]]
    }

    /// `monitor`: audit events follow.
    static func monitoring(_ id: RequestID) -> JSONValue {
        ["type": "reply", "id": .int(Int64(id.rawValue)), "ok": true, "result": ["monitoring": true]]
    }

    /// What an operator's status adds: the human's devices, and the X11 adapter's
    /// `foreign_input`.
    typealias OperatorStatus = () -> (devices: [HumanInput.DeviceSummary], foreignInput: JSONValue?)

    /// The engine's reply. A status is cut to fit `budget` bytes, never a disconnect; an
    /// operator's status also lists the human's devices and, with the X11 adapter, the
    /// input other XTest clients injected (`operatorStatus`, read only for a status).
    static func engine(_ reply: Reply, id: RequestID, budget: Int, operatorStatus: OperatorStatus?) -> JSONValue {
        guard case .status(let s) = reply else { return WireEncoding.reply(reply, id: id) }
        let message = WireEncoding.statusReply(s, id: id, budget: budget)
        guard let operatorStatus, case .object(var o) = message, case .object(var r) = o["result"] ?? .null else { return message }
        let extras = operatorStatus()
        r["devices"] = .array(extras.devices.map(device))
        if let f = extras.foreignInput { r["foreign_input"] = f }
        o["result"] = .object(r)
        return .object(o)
    }

    /// One of the human's devices, as `status` and the operator's hello list it.
    static func device(_ d: HumanInput.DeviceSummary) -> JSONValue {
        ["id": .int(Int64(d.id)), "path": .string(d.path), "name": .string(d.name), "clone": .string(d.clone),
         "classes": .string(d.classes)]
    }
}
