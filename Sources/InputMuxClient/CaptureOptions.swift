import InputMuxWire

/// How big a capture's image is: one image pixel per desktop pixel, or fitted into a
/// box keeping the aspect ratio (docs/PROTOCOL.md, capture: `width`, `height`).
public enum CaptureSize: Sendable, Hashable, CustomStringConvertible {
    /// One image pixel per desktop pixel (the daemon's default).
    case actual
    /// Fit into `width`×`height`, keeping the aspect ratio; a nil side is unbounded.
    case box(width: Int?, height: Int?)

    /// The sides the daemon takes (1–8192 each).
    public static let sides = 1...8192

    /// A coordinate space as an image size: `.desktop` is `.actual`, `.scaled(w, h)` the
    /// box `w`×`h`. A grid or unit space has no pixel size and is refused.
    public init(_ space: CoordinateSpace) throws(InputMuxError) {
        switch space {
        case .desktop: self = .actual
        case .scaled(let w, let h): self = .box(width: w, height: h)
        case .grid, .unit:
            throw InputMuxError(.badInput, "a screenshot's size is desktop or a box such as wxga or 1280x800; \(space) has no pixel size")
        }
    }

    /// Parses `desktop`, `xga`, `wxga`, `fwxga` or `WxH` (as `--coordinates` does).
    public init(parsing text: String) throws(InputMuxError) {
        guard let space = CoordinateSpace(parsing: text) else {
            throw InputMuxError(.badInput, "size: \"\(text)\" is not desktop, xga, wxga, fwxga or WxH (e.g. 1280x800)")
        }
        try self.init(space)
    }

    public var description: String {
        switch self {
        case .actual: "desktop pixels"
        case .box(let w, let h): "\(w.map(String.init) ?? "any")x\(h.map(String.init) ?? "any")"
        }
    }
}

/// Settling before a capture: wait until the area changed since the session's last
/// action and then had no damage for `quiet`, never longer than `maximum`.
public struct CaptureSettle: Sendable, Hashable {
    /// 10 ms–5 s (the daemon's default 100 ms).
    public var quiet: Duration
    /// 0–30 s (the daemon's default 2 s).
    public var maximum: Duration

    public init(quiet: Duration = .milliseconds(100), maximum: Duration = .seconds(2)) {
        self.quiet = quiet
        self.maximum = maximum
    }

    public static let quietRange = 10...5000
    public static let maximumRange = 0...30000
}

/// What a capture asks for besides the lease (docs/PROTOCOL.md, capture).
public struct CaptureOptions: Sendable, Hashable {
    /// A part of the lease in desktop pixels (nil: all of it); never clipped, refused
    /// (`outside_region`) when it leaves the lease.
    public var rect: Region?
    public var size: CaptureSize
    public var format: ImageFormat
    /// JPEG quality 1–100 (nil: the daemon's 80).
    public var quality: Int?
    public var delivery: CaptureDelivery
    /// Draw this session's own pointer.
    public var cursor: Bool
    /// Settle first (nil: capture at once).
    public var settle: CaptureSettle?

    public init(rect: Region? = nil, size: CaptureSize = .actual, format: ImageFormat = .png, quality: Int? = nil,
                delivery: CaptureDelivery = .inline, cursor: Bool = false, settle: CaptureSettle? = nil) {
        self.rect = rect
        self.size = size
        self.format = format
        self.quality = quality
        self.delivery = delivery
        self.cursor = cursor
        self.settle = settle
    }

    /// Checks what the daemon would refuse as malformed, with what to give instead.
    public func validated() throws(InputMuxError) -> CaptureOptions {
        if case .box(let w, let h) = size {
            for side in [w, h].compactMap({ $0 }) where !CaptureSize.sides.contains(side) {
                throw InputMuxError(.badInput, "capture: an image side is 1–8192 pixels (got \(side))")
            }
            if w == nil && h == nil { throw InputMuxError(.badInput, "capture: a box needs a width, a height or both") }
        }
        if let quality, !(1...100).contains(quality) {
            throw InputMuxError(.badInput, "capture: quality is 1–100 (got \(quality))")
        }
        if let settle {
            let quiet = Lease.milliseconds(settle.quiet), maximum = Lease.milliseconds(settle.maximum)
            guard CaptureSettle.quietRange.contains(quiet) else {
                throw InputMuxError(.badInput, "capture: the settle quiet time is 10–5000 ms (got \(quiet))")
            }
            guard CaptureSettle.maximumRange.contains(maximum) else {
                throw InputMuxError(.badInput, "capture: the settle maximum is 0–30000 ms (got \(maximum))")
            }
        }
        return self
    }

    /// The request's fields besides `type`, `id` and `lease`.
    var wireFields: [String: JSON] {
        var o: [String: JSON] = [:]
        if let rect { o["rect"] = rect.wire }
        if case .box(let w, let h) = size {
            if let w { o["width"] = .int(Int64(w)) }
            if let h { o["height"] = .int(Int64(h)) }
        }
        if format != .png { o["format"] = .string(format.rawValue) }
        if let quality { o["quality"] = .int(Int64(quality)) }
        if delivery != .inline { o["delivery"] = .string(delivery.rawValue) }
        if cursor { o["cursor"] = true }
        if let settle {
            o["settle"] = ["quiet_ms": .int(Int64(Lease.milliseconds(settle.quiet))),
                           "max_ms": .int(Int64(Lease.milliseconds(settle.maximum)))]
        }
        return o
    }
}

extension CaptureOptions {
    /// Reads a capture request's fields back (what `ClientRequest.capture` writes), for
    /// a process that passes a capture on: muxctl's lease holder.
    public init(request r: JSON) throws(InputMuxError) {
        func bad(_ what: String) -> InputMuxError { InputMuxError(.badInput, "capture: \(what)") }
        self.init()
        if let text = r["rect"].string {
            guard let rect = Region(parsing: text) else { throw bad("rect \"\(text)\" is not x,y,WxH") }
            self.rect = rect
        }
        let w = r["width"].int, h = r["height"].int
        if w != nil || h != nil { size = .box(width: w, height: h) }
        if let name = r["format"].string {
            guard let f = ImageFormat(rawValue: name) else { throw bad("format \"\(name)\" is not png, jpeg or raw") }
            format = f
        }
        quality = r["quality"].int
        if let name = r["delivery"].string {
            guard let d = CaptureDelivery(rawValue: name) else { throw bad("delivery \"\(name)\" is not inline or fd") }
            delivery = d
        }
        cursor = r["cursor"].bool ?? false
        if r["settle"].bool == true {
            settle = CaptureSettle()
        } else if !r["settle"].isNull, r["settle"].bool == nil {
            let s = r["settle"]
            settle = CaptureSettle(quiet: .milliseconds(s["quiet_ms"].int ?? 100), maximum: .milliseconds(s["max_ms"].int ?? 2000))
        }
        self = try validated()
    }

    /// The request as `ClientRequest.capture` writes it, for passing on.
    public func request(lease: String?) throws(InputMuxError) -> JSON {
        try ClientRequest.capture(lease: lease, self).json()
    }
}
