import InputMuxWire

/// What the engine decides about a capture (DESIGN §5b): which lease, which desktop
/// rectangle. How the image is made (size, format, settling, delivery) is the daemon's
/// and the source's business; the engine allows, orders and audits.
public struct CaptureRequest: Hashable, Sendable {
    /// The lease whose area is shown; nil: the session's one active lease with an area.
    public var lease: LeaseID?
    /// A part of the lease's area, in desktop pixels; nil: all of it.
    public var rect: Region?
    /// Draw the session's own pointer into the image.
    public var cursor: Bool

    public init(lease: LeaseID? = nil, rect: Region? = nil, cursor: Bool = false) {
        self.lease = lease; self.rect = rect; self.cursor = cursor
    }
}

/// An allowed capture, for the daemon to make: the engine emits it
/// (`EngineOutput.capture`) and hears back with `EngineInput.captured`.
public struct CaptureOrder: Hashable, Sendable {
    public var requester: Requester
    public var request: RequestID
    public var lease: LeaseID
    /// The lease holder (the session whose lease is shown).
    public var holder: SessionID
    /// What the source shows: `.region` a rectangle of the screen; `.window` the
    /// window's own contents, `rect` within it.
    public var area: LeaseArea
    /// The desktop rectangle shown (inside the lease's area).
    public var rect: Region
    /// When the holder's last frame was written: a settling capture awaits its effect.
    public var lastAction: Instant?
    /// Where the holder's pointer is, when asked to draw it (never another's).
    public var cursor: Point?

    public init(requester: Requester, request: RequestID, lease: LeaseID, holder: SessionID, area: LeaseArea,
                rect: Region, lastAction: Instant?, cursor: Point?) {
        self.requester = requester; self.request = request; self.lease = lease; self.holder = holder
        self.area = area; self.rect = rect; self.lastAction = lastAction; self.cursor = cursor
    }
}

/// What a made capture was, for the audit record and the reply: enough to prove later
/// what was seen (the image's SHA-256) without the log keeping pictures.
public struct CaptureFacts: Hashable, Sendable {
    /// The desktop rectangle shown.
    public var rect: Region
    public var width: Int
    public var height: Int
    /// `png`, `jpeg` or `raw`.
    public var format: String
    public var bytes: Int
    /// Lower-case hex SHA-256 of the image bytes the client receives.
    public var sha256: String
    /// How long the capture waited for the area to settle, and whether it did.
    public var waited: Duration
    public var settled: Bool?

    public init(rect: Region, width: Int, height: Int, format: String, bytes: Int, sha256: String,
                waited: Duration, settled: Bool?) {
        self.rect = rect; self.width = width; self.height = height; self.format = format; self.bytes = bytes
        self.sha256 = sha256; self.waited = waited; self.settled = settled
    }
}

/// How a sensitive region (DESIGN §2) treats captures that show any of it.
public enum SensitiveCapture: String, Hashable, Sendable, CaseIterable {
    /// Only after an operator approves capturing for that lease (`muxctl approve L --capture`).
    case approve
    /// Never.
    case deny
    /// Like the rest of the desktop: the lease's own approval is enough.
    case allow
}

/// A sensitive region's capture rule, for the engine.
public struct SensitiveSight: Hashable, Sendable {
    public var name: String
    public var region: Region
    public var capture: SensitiveCapture

    public init(name: String, region: Region, capture: SensitiveCapture) {
        self.name = name; self.region = region; self.capture = capture
    }
}
