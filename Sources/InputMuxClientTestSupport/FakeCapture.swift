import Foundation
import InputMuxClient
import InputMuxImage
import InputMuxSystem
import InputMuxWire
import SystemPackage

/// The fake daemon's captures: replies as inputmuxd writes them (docs/PROTOCOL.md,
/// capture), inline in base64 or with a sealed memfd passed with the reply line.
extension FakeConnection {
    /// Writes `message` as one line with `descriptor` attached to its first byte, as the
    /// daemon passes a capture's memfd.
    public func send(_ message: JSON, attaching descriptor: FileDescriptor) {
        let bytes = Array((message.serialized + "\n").utf8)
        withWriteLock {
            var offset = 0
            var attach: FileDescriptor? = descriptor
            while offset < bytes.count {
                let sent = bytes.withUnsafeBytes { raw in
                    try? DescriptorPassing.send(UnsafeRawBufferPointer(rebasing: raw[offset...]), on: socket.descriptor,
                                                attaching: attach, nonBlocking: false)
                }
                guard let n = sent ?? nil, n > 0 else { return }
                offset += n
                attach = nil
            }
        }
    }

    /// Answers a capture request with `image` as the daemon would: the result's facts,
    /// and the bytes inline or (when the request asked `"delivery":"fd"`) in a sealed
    /// memfd. `sha256` overrides the hash announced (to test that clients check it).
    public func replyCapture(_ request: JSON, image: [UInt8], lease: String, rect: Region, width: Int, height: Int,
                             format: ImageFormat = .png, sha256: String? = nil, settle: (waitedMs: Int, settled: Bool)? = nil,
                             memfdName: String = "fake-capture") {
        var result = FakeCapture.result(lease: lease, rect: rect, width: width, height: height, format: format,
                                        bytes: image, sha256: sha256 ?? Screenshot.sha256(of: image))
        if let settle { result["settle"] = ["waited_ms": .int(Int64(settle.waitedMs)), "settled": .bool(settle.settled)] }
        guard request["delivery"] == "fd" else {
            result["data"] = .string(FakeCapture.base64(image))
            return reply(request, .object(result))
        }
        result["fd"] = true
        guard let fd = try? SealedMemory.make(name: memfdName, bytes: image) else {
            return fail(request, "capture_failed", "the fake daemon could not make a memfd")
        }
        // The kernel holds its own reference while the descriptor is in flight.
        defer { try? fd.close() }
        send(["type": "reply", "id": request["id"], "ok": true, "result": .object(result)], attaching: fd)
    }
}

/// Images and replies of the fake daemon's captures.
public enum FakeCapture {
    /// The result fields of a capture reply, without the image.
    public static func result(lease: String, rect: Region, width: Int, height: Int, format: ImageFormat, bytes: [UInt8], sha256: String) -> [String: JSON] {
        ["lease": .string(lease),
         "rect": ["x": .int(Int64(rect.x)), "y": .int(Int64(rect.y)), "width": .int(Int64(rect.width)),
                  "height": .int(Int64(rect.height)), "text": .string(rect.description)],
         "width": .int(Int64(width)), "height": .int(Int64(height)), "format": .string(format.rawValue),
         "bytes": .int(Int64(bytes.count)), "sha256": .string(sha256),
         "transform": ["origin_x": .int(Int64(rect.x)), "origin_y": .int(Int64(rect.y)),
                       "scale_x": .double(Double(width) / Double(rect.width)), "scale_y": .double(Double(height) / Double(rect.height))]]
    }

    /// The size of `rect` fitted into the request's `width`×`height` box, keeping the
    /// aspect ratio (the daemon's rule); the rectangle's own size without a box.
    public static func fitted(_ rect: Region, request: JSON) -> (width: Int, height: Int) {
        let bw = request["width"].int, bh = request["height"].int
        guard bw != nil || bh != nil else { return (rect.width, rect.height) }
        let scale = min(Double(bw ?? Int.max) / Double(rect.width), Double(bh ?? Int.max) / Double(rect.height))
        return (max(1, Int((Double(rect.width) * scale).rounded())), max(1, Int((Double(rect.height) * scale).rounded())))
    }

    /// A PNG of `width`×`height` whose pixel (x, y) is red x, green y, blue 99 (mod 256).
    public static func png(width: Int, height: Int) -> [UInt8] {
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 4
                rgba[i] = UInt8(x & 0xFF)
                rgba[i + 1] = UInt8(y & 0xFF)
                rgba[i + 2] = 99
            }
        }
        return (try? PNGCodec.encode(rgba: rgba, width: width, height: height)) ?? []
    }

    /// Answers a capture on the lease `L<session>` over `lease` (default: the whole
    /// 1920x1080 desktop) with a PNG of the fitted size, as `FakeDaemon.standard` does.
    public static func answer(_ m: JSON, _ c: FakeConnection, lease: Region = Region(x: 0, y: 0, width: 1920, height: 1080)) {
        let rect = m["rect"].string.flatMap(Region.init(parsing:)) ?? lease
        let (w, h) = fitted(rect, request: m)
        c.replyCapture(m, image: png(width: w, height: h), lease: m["lease"].string ?? "L\(c.session)", rect: rect, width: w, height: h,
                       settle: m["settle"].isNull ? nil : (waitedMs: 120, settled: true))
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
