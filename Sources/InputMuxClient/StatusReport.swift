import InputMuxWire

/// The daemon's `status` result, on either socket. Reading it never takes, extends or
/// disturbs a lease.
public struct StatusReport: Sendable, Hashable, WireObjectDecodable {
    /// The daemon's monotonic clock, in milliseconds, when the status was taken.
    public var timeMs: Int
    /// Active and paused leases.
    public var held: [LeaseInfo]
    /// Queued leases in FIFO order, then those pending approval.
    public var waiting: [LeaseInfo]
    public var sessions: [Identity]
    /// Gestures waiting for the seat.
    public var seatQueue: Int
    /// For an orchestrator: leases it may pause, revoke or reassign.
    public var cancelTargets: [String]
    /// Agents are paused for the human until then.
    public var humanQuietMs: Int?
    /// Set after the panic chord, until `unfreeze`.
    public var frozenSinceMs: Int?
    /// The session whose gesture runs on the shared seat now.
    public var seatBusyWith: Int?
    /// Sessions on seats of their own (docs/SEATS.md); empty when none.
    public var seats: [Seat]
    /// Control socket only: grabbed physical devices and their clones.
    public var devices: [DeviceSummary]?
    /// The whole desktop (with the X11 adapter it follows the display's layout).
    public var desktop: Region?
    /// Control socket with the X11 adapter: input other XTest clients injected.
    public var foreignInput: ForeignInput?
    /// Set when the reply was cut to fit the daemon's output bound; `omitted` says how
    /// many entries of each list it leaves out.
    public var truncated: Bool?
    public var omitted: Omitted?

    /// Entries a cut status leaves out, per list.
    public struct Omitted: Sendable, Hashable, WireObjectDecodable {
        public var held: Int
        public var waiting: Int
        public var sessions: Int
        public var cancelTargets: Int

        public init(fields f: JSONFields) throws(WireError) {
            held = try f.decode("held")
            waiting = try f.decode("waiting")
            sessions = try f.decode("sessions")
            cancelTargets = try f.decode("cancel_targets")
        }
    }

    /// A session's own seat: its XInput2 master pair's name, whether a gesture of it
    /// runs, how many wait, and until when the human's touch pauses it.
    public struct Seat: Sendable, Hashable, WireObjectDecodable {
        public var session: Int
        public var name: String
        public var busy: Bool
        public var queue: Int
        public var humanQuietMs: Int?

        public init(fields f: JSONFields) throws(WireError) {
            session = try f.decode("session")
            name = try f.string("name")
            busy = try f.bool("busy") ?? false
            queue = try f.decode("queue")
            humanQuietMs = try f.optional("human_quiet_ms")
        }
    }

    /// What the X11 adapter's foreign-injection watch saw (docs/X11.md).
    public struct ForeignInput: Sendable, Hashable, WireObjectDecodable {
        public var count: Int
        public var last: Last?

        public init(fields f: JSONFields) throws(WireError) {
            count = try f.decode("count")
            last = try f.optional("last")
        }

        /// The latest one: when (daemon clock, ms), what, and where the pointer was.
        public struct Last: Sendable, Hashable, WireObjectDecodable {
            public var timeMs: Int
            public var what: String
            public var x: Int?
            public var y: Int?

            public init(fields f: JSONFields) throws(WireError) {
                timeMs = try f.decode("time_ms")
                what = try f.string("what")
                x = try f.optional("x")
                y = try f.optional("y")
            }
        }
    }

    /// A grabbed physical device and its passthrough clone.
    public struct DeviceSummary: Sendable, Hashable, WireObjectDecodable {
        public var id: Int
        public var path: String
        public var name: String
        public var clone: String
        public var classes: String

        public init(fields f: JSONFields) throws(WireError) {
            id = try f.decode("id")
            path = try f.string("path")
            name = try f.string("name")
            clone = try f.string("clone")
            classes = try f.string("classes")
        }
    }

    public init(fields f: JSONFields) throws(WireError) {
        timeMs = try f.decode("time_ms")
        held = try f.decode("held")
        waiting = try f.decode("waiting")
        sessions = try f.decode("sessions")
        seatQueue = try f.decode("seat_queue")
        cancelTargets = try f.decode("cancel_targets")
        humanQuietMs = try f.optional("human_quiet_ms")
        frozenSinceMs = try f.optional("frozen_since_ms")
        seatBusyWith = try f.optional("seat_busy_with")
        seats = try f.optional("seats") ?? []
        devices = try f.optional("devices")
        desktop = try f.optional("desktop")
        foreignInput = try f.optional("foreign_input")
        truncated = try f.bool("truncated")
        omitted = try f.optional("omitted")
    }

    /// True while agents wait for the human to be quiet.
    public var humanActive: Bool { humanQuietMs.map { $0 > timeMs } ?? false }
    public var frozen: Bool { frozenSinceMs != nil }
}
