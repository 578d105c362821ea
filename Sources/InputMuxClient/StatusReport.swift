/// The daemon's `status` result, on either socket. Reading it never takes, extends or
/// disturbs a lease.
public struct StatusReport: Sendable, Hashable, Decodable {
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
    /// The session whose gesture runs on the seat now.
    public var seatBusyWith: Int?
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
    public struct Omitted: Sendable, Hashable, Codable {
        public var held: Int
        public var waiting: Int
        public var sessions: Int
        public var cancelTargets: Int
    }

    /// What the X11 adapter's foreign-injection watch saw (docs/X11.md).
    public struct ForeignInput: Sendable, Hashable, Codable {
        public var count: Int
        public var last: Last?

        /// The latest one: when (daemon clock, ms), what, and where the pointer was.
        public struct Last: Sendable, Hashable, Codable {
            public var timeMs: Int
            public var what: String
            public var x: Int?
            public var y: Int?
        }
    }

    /// A grabbed physical device and its passthrough clone.
    public struct DeviceSummary: Sendable, Hashable, Codable {
        public var id: Int
        public var path: String
        public var name: String
        public var clone: String
        public var classes: String
    }

    /// True while agents wait for the human to be quiet.
    public var humanActive: Bool { humanQuietMs.map { $0 > timeMs } ?? false }
    public var frozen: Bool { frozenSinceMs != nil }
}
