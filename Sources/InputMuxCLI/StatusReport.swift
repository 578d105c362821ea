import Foundation

/// The control socket's `status` result (docs/PROTOCOL.md), as `muxctl status`,
/// `sessions` and `devices` show it. Decoded leniently: a field a newer daemon adds is
/// ignored, one it leaves out shows as "-".
public struct StatusReport: Decodable, Sendable, Equatable {
    public var timeMs: Int64?
    public var held: [Lease] = []
    public var waiting: [Lease] = []
    public var sessions: [Identity] = []
    public var seatQueue: Int?
    public var humanQuietMs: Int64?
    public var frozenSinceMs: Int64?
    public var seatBusyWith: Int?
    public var devices: [Device] = []

    public struct Identity: Decodable, Sendable, Equatable {
        public var name: String
        public var session: Int
        public var uid: Int?
        public var gid: Int?
        public var pid: Int?
        public var exe: String?

        public var label: String { "\(name)#\(session)" }
    }

    public struct Region: Decodable, Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public var text: String { "\(x),\(y),\(width)x\(height)" }
    }

    public struct Lease: Decodable, Sendable, Equatable {
        public var id: String
        public var holder: Identity
        public var state: String
        public var region: Region?
        public var pointer: Bool?
        public var keyboard: Bool?
        public var requestedMs: Int64?
        public var grantedMs: Int64?
        public var expiresMs: Int64?
        public var position: Int?
        public var endedReason: String?
        public var window: Int64?
    }

    public struct Device: Decodable, Sendable, Equatable {
        public var id: Int?
        public var path: String
        public var name: String
        public var clone: String?
        public var classes: String?
    }

    enum CodingKeys: String, CodingKey {
        case timeMs = "time_ms", held, waiting, sessions, seatQueue = "seat_queue", humanQuietMs = "human_quiet_ms"
        case frozenSinceMs = "frozen_since_ms", seatBusyWith = "seat_busy_with", devices
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timeMs = try c.decodeIfPresent(Int64.self, forKey: .timeMs)
        held = try c.decodeIfPresent([Lease].self, forKey: .held) ?? []
        waiting = try c.decodeIfPresent([Lease].self, forKey: .waiting) ?? []
        sessions = try c.decodeIfPresent([Identity].self, forKey: .sessions) ?? []
        seatQueue = try c.decodeIfPresent(Int.self, forKey: .seatQueue)
        humanQuietMs = try c.decodeIfPresent(Int64.self, forKey: .humanQuietMs)
        frozenSinceMs = try c.decodeIfPresent(Int64.self, forKey: .frozenSinceMs)
        seatBusyWith = try c.decodeIfPresent(Int.self, forKey: .seatBusyWith)
        devices = try c.decodeIfPresent([Device].self, forKey: .devices) ?? []
    }

    /// Decodes the `result` object of a status reply.
    public static func decode(_ json: [UInt8]) throws(CLIError) -> StatusReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .useDefaultKeys
        do {
            return try decoder.decode(StatusReport.self, from: Data(json))
        } catch {
            throw CLIError(.failure, "the daemon's status reply could not be read (\(error)); is muxctl older than inputmuxd?")
        }
    }
}

extension StatusReport.Lease {
    enum CodingKeys: String, CodingKey {
        case id, holder, state, region, pointer, keyboard, position, window
        case requestedMs = "requested_ms", grantedMs = "granted_ms", expiresMs = "expires_ms", endedReason = "ended_reason"
    }
}
