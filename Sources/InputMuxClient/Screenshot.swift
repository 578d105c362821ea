import Crypto
import Foundation
import InputMuxWire

/// How a capture's image pixels relate to desktop pixels: the image shows the desktop
/// from (`originX`, `originY`), `scaleX` image pixels to a desktop pixel across and
/// `scaleY` down (docs/PROTOCOL.md, capture).
public struct ImageTransform: Sendable, Hashable {
    public var originX: Int
    public var originY: Int
    public var scaleX: Double
    public var scaleY: Double

    public init(originX: Int, originY: Int, scaleX: Double, scaleY: Double) {
        self.originX = originX
        self.originY = originY
        self.scaleX = scaleX
        self.scaleY = scaleY
    }

    /// The desktop pixel image pixel (`imageX`, `imageY`) shows:
    /// `origin + round((p + 0.5) / scale - 0.5)` on each axis, the protocol's formula,
    /// so pointing at a pixel of the image hits that pixel on the desktop. Not clipped:
    /// a point off the image maps off the captured rectangle (and the gate refuses it).
    public func toDesktop(imageX: Double, imageY: Double) -> Point {
        Point(x: originX + Self.whole((imageX + 0.5) / scaleX - 0.5), y: originY + Self.whole((imageY + 0.5) / scaleY - 0.5))
    }

    /// The image pixel whose centre lies in desktop pixel `p`'s footprint (the inverse of
    /// `toDesktop` where the image is at least as fine as the desktop; where it is
    /// coarser, the image pixel that shows `p`).
    public func toImage(desktop p: Point) -> Point {
        Point(x: Self.whole((Double(p.x - originX) + 0.5) * scaleX - 0.5), y: Self.whole((Double(p.y - originY) + 0.5) * scaleY - 0.5))
    }

    /// Rounded to the nearest whole pixel, saturating (a NaN or 1e300 must not trap).
    package static func whole(_ v: Double) -> Int {
        v.isNaN ? 0 : Int(min(max(v.rounded(), -Double(Int32.max)), Double(Int32.max)))
    }
}

/// How long a capture settled first (present when settling was asked).
public struct SettleReport: Sendable, Hashable {
    public var waited: Duration
    /// False: the maximum ran out before the area was quiet.
    public var settled: Bool

    public init(waited: Duration, settled: Bool) {
        self.waited = waited
        self.settled = settled
    }
}

/// What a lease shows, as the daemon captured it: the image's bytes, what part of the
/// desktop they show, and how to map the image's pixels back onto the desktop.
public struct Screenshot: Sendable, Hashable {
    public var lease: String
    /// The desktop rectangle shown.
    public var rect: Region
    public var width: Int
    public var height: Int
    public var format: ImageFormat
    /// The encoded image (PNG or JPEG file contents, or raw RGBA rows).
    public var bytes: [UInt8]
    /// The SHA-256 of `bytes` in lowercase hex, as the audit record keeps it (checked).
    public var sha256: String
    public var transform: ImageTransform
    public var settle: SettleReport?

    public init(lease: String, rect: Region, width: Int, height: Int, format: ImageFormat, bytes: [UInt8], sha256: String,
                transform: ImageTransform, settle: SettleReport?) {
        self.lease = lease
        self.rect = rect
        self.width = width
        self.height = height
        self.format = format
        self.bytes = bytes
        self.sha256 = sha256
        self.transform = transform
        self.settle = settle
    }

    /// The desktop pixel that image pixel (`imageX`, `imageY`) shows.
    public func toDesktop(imageX: Double, imageY: Double) -> Point { transform.toDesktop(imageX: imageX, imageY: imageY) }

    /// The image pixel that shows desktop pixel `p`.
    public func toImage(desktop p: Point) -> Point { transform.toImage(desktop: p) }

    /// The image's bytes in base64 (an MCP image content's `data`).
    public var base64: String { Data(bytes).base64EncodedString() }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads a capture reply: its `result`, with the memfd's contents when it came by
    /// descriptor. The bytes must be `bytes` long and hash to `sha256` (and a raw image
    /// be `width * height * 4` bytes), or the reply is a `protocol_violation` (the image
    /// is not what the daemon audited).
    package init(reply: DaemonReply) throws(InputMuxError) {
        let r = reply.result
        func field<T>(_ value: T?, _ name: String) throws(InputMuxError) -> T {
            guard let value else {
                throw InputMuxError(.protocolViolation, "inputmuxd's capture reply lacks a valid `\(name)`; check that inputmuxd and the client speak the same protocol version")
            }
            return value
        }
        let formatName = try field(r["format"].string, "format")
        let format = try field(ImageFormat(rawValue: formatName), "format")
        let bytes: [UInt8]
        if r["fd"].bool == true {
            bytes = try field(reply.attachment, "fd")
        } else {
            let text = try field(r["data"].string, "data")
            bytes = [UInt8](try field(Data(base64Encoded: text), "data (base64)"))
        }
        let announced = try field(r["bytes"].int, "bytes")
        guard bytes.count == announced else {
            throw InputMuxError(.protocolViolation, "inputmuxd's capture announced \(announced) bytes but \(bytes.count) arrived; capture again")
        }
        let sha = try field(r["sha256"].string, "sha256").lowercased()
        let actual = Self.sha256(of: bytes)
        guard sha == actual else {
            throw InputMuxError(.protocolViolation, "the capture's bytes hash to \(actual), not the \(sha) inputmuxd announced (and audited); do not trust this image, capture again")
        }
        let t = r["transform"]
        let transform = ImageTransform(
            originX: try field(t["origin_x"].int, "transform.origin_x"), originY: try field(t["origin_y"].int, "transform.origin_y"),
            scaleX: try field(t["scale_x"].double.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }, "transform.scale_x"),
            scaleY: try field(t["scale_y"].double.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }, "transform.scale_y"))
        let settle: SettleReport? = r["settle"].isNull ? nil : SettleReport(
            waited: .milliseconds(try field(r["settle"]["waited_ms"].int, "settle.waited_ms")),
            settled: try field(r["settle"]["settled"].bool, "settle.settled"))
        let rect = try r["rect"].decode(Region.self)
        let width = try field(r["width"].int.flatMap { $0 > 0 ? $0 : nil }, "width")
        let height = try field(r["height"].int.flatMap { $0 > 0 ? $0 : nil }, "height")
        if format == .raw, bytes.count != width * height * 4 {
            throw InputMuxError(.protocolViolation, "inputmuxd's raw capture of \(width)x\(height) has \(bytes.count) bytes, not \(width * height * 4); capture again")
        }
        self.init(lease: try field(r["lease"].string, "lease"), rect: rect, width: width, height: height,
                  format: format, bytes: bytes, sha256: actual, transform: transform, settle: settle)
    }

    /// The reply's facts without the image, as one document (for `--json` output).
    public var document: JSON {
        var o: [String: JSON] = [
            "lease": .string(lease),
            "rect": ["x": .int(Int64(rect.x)), "y": .int(Int64(rect.y)), "width": .int(Int64(rect.width)),
                     "height": .int(Int64(rect.height)), "text": .string(rect.description)],
            "width": .int(Int64(width)), "height": .int(Int64(height)), "format": .string(format.rawValue),
            "bytes": .int(Int64(bytes.count)), "sha256": .string(sha256),
            "transform": ["origin_x": .int(Int64(transform.originX)), "origin_y": .int(Int64(transform.originY)),
                          "scale_x": .double(transform.scaleX), "scale_y": .double(transform.scaleY)],
        ]
        if let settle {
            o["settle"] = ["waited_ms": .int(Int64(Lease.milliseconds(settle.waited))), "settled": .bool(settle.settled)]
        }
        return .object(o)
    }

    /// One paragraph for people: what was captured and how to map it back.
    public var summary: String {
        var text = "\(lease): \(rect) as a \(width)x\(height) \(format) (\(bytes.count) bytes), sha256 \(sha256)\n"
        text += "transform: desktop = (\(transform.originX), \(transform.originY)) + round((image + 0.5) / (\(transform.scaleX), \(transform.scaleY)) - 0.5)"
        if let settle {
            text += "\nsettle: waited \(Lease.milliseconds(settle.waited)) ms, " + (settle.settled ? "settled" : "not settled (the maximum ran out)")
        }
        return text
    }
}
