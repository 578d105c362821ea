import Foundation
import Glibc
import InputMuxSystem
import InputMuxWire
import Synchronization
import SystemPackage
import Testing

@testable import InputMuxClient
import InputMuxClientTestSupport

@Suite("Captures against a fake daemon: inline and by sealed memfd")
struct CaptureTests {
    static let rect = Region(x: 100, y: 80, width: 400, height: 300)

    /// Random bytes: any image format is bytes to the transport.
    static func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    /// A daemon that answers every capture with `image` (raw, 40x30 of `rect`).
    static func daemon(image: [UInt8], sha256: String? = nil, memfdName: String = "fake-capture") throws -> FakeDaemon {
        try FakeDaemon { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            c.replyCapture(m, image: image, lease: "L1", rect: Self.rect, width: 40, height: 30, format: .raw, sha256: sha256, memfdName: memfdName)
        }
    }

    /// The descriptors of this process whose target names `memfd:NAME`.
    static func openMemfds(named name: String) -> Int {
        let dir = "/proc/self/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return 0 }
        return entries.filter { ((try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\($0)")) ?? "").contains("memfd:\(name)") }.count
    }

    @Test("inline and fd delivery both yield exactly the daemon's bytes, with the reply's facts", arguments: [CaptureDelivery.inline, .fd])
    func exactBytes(delivery: CaptureDelivery) async throws {
        let image = Self.bytes(40 * 30 * 4)
        let name = "probe-\(UInt32.random(in: 0...UInt32.max))"
        let daemon = try Self.daemon(image: image, memfdName: name)
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let shot = try await agent.capture(CaptureOptions(delivery: delivery))
        #expect(shot.bytes == image)
        #expect(shot.sha256 == Screenshot.sha256(of: image))
        #expect(shot.rect == Self.rect && shot.width == 40 && shot.height == 30 && shot.format == .raw && shot.lease == "L1")
        #expect(shot.transform == ImageTransform(originX: 100, originY: 80, scaleX: 0.1, scaleY: 0.1))
        let sent = try #require(daemon.received("capture").first)
        #expect(sent["delivery"] == (delivery == .fd ? "fd" : .null))
        // The memfd was read and closed.
        #expect(Self.openMemfds(named: name) == 0)
    }

    @Test("a SHA-256 that does not match the bytes is refused, whatever the delivery", arguments: [CaptureDelivery.inline, .fd])
    func wrongHash(delivery: CaptureDelivery) async throws {
        let image = Self.bytes(4800)
        let daemon = try Self.daemon(image: image, sha256: Screenshot.sha256(of: image + [0]))
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let e = await #expect(throws: InputMuxError.self) { _ = try await agent.capture(CaptureOptions(delivery: delivery)) }
        #expect(e?.code == .protocolViolation)
        #expect(e?.message.contains("hash") == true)
    }

    @Test("a raw image whose size is not width x height x 4 bytes is refused")
    func rawSizeChecked() async throws {
        let image = Self.bytes(4799)
        let daemon = try Self.daemon(image: image)
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let e = await #expect(throws: InputMuxError.self) { _ = try await agent.capture() }
        #expect(e?.code == .protocolViolation && e?.message.contains("40x30") == true)
    }

    @Test("two fd captures in flight each get their own descriptor, answered out of order")
    func descriptorsPairWithReplies() async throws {
        let first = Self.bytes(4800), second = Self.bytes(4800)
        let held = Mutex<JSON?>(nil)
        let daemon = try FakeDaemon { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            // Hold the first capture; answer the second, then the first.
            guard let waiting = held.withLock({ h -> JSON? in
                if h == nil { h = m; return nil }
                return h
            }) else { return }
            c.replyCapture(m, image: second, lease: "L1", rect: Self.rect, width: 40, height: 30, format: .raw)
            c.replyCapture(waiting, image: first, lease: "L1", rect: Self.rect, width: 40, height: 30, format: .raw)
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        async let one = agent.capture(CaptureOptions(delivery: .fd))
        #expect(await daemon.eventually { daemon.received("capture").count == 1 })
        async let two = agent.capture(CaptureOptions(delivery: .fd))
        let (a, b) = try await (one, two)  // the second was asked while the first waited
        #expect(a.bytes == first)
        #expect(b.bytes == second)
    }

    @Test("a reply that announces a descriptor without one, or with an unsealed one, is refused; the next still pairs")
    func missingOrUnsealedDescriptor() async throws {
        let image = Self.bytes(4800)
        let daemon = try FakeDaemon { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            var result = FakeCapture.result(lease: "L1", rect: Self.rect, width: 40, height: 30, format: .raw, bytes: image,
                                            sha256: Screenshot.sha256(of: image))
            result["fd"] = true
            switch m["marker"].string {
            case "none":
                c.send(["type": "reply", "id": m["id"], "ok": true, "result": .object(result)])
            case "pipe":
                var ends: [Int32] = [0, 0]
                _ = pipe(&ends)
                c.send(["type": "reply", "id": m["id"], "ok": true, "result": .object(result)], attaching: FileDescriptor(rawValue: ends[0]))
                close(ends[0]); close(ends[1])
            default:
                c.replyCapture(m, image: image, lease: "L1", rect: Self.rect, width: 40, height: 30, format: .raw)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let connection = agent.currentConnection
        for marker in ["none", "pipe"] {
            let e = await #expect(throws: InputMuxError.self) {
                _ = try await connection.request(JSON.object(["type": "capture", "delivery": "fd", "marker": .string(marker)]),
                                                 reply: { (r: DaemonReply) throws(InputMuxError) -> Screenshot in try Screenshot(reply: r) })
            }
            #expect(e?.code == .protocolViolation, "\(marker)")
        }
        let shot = try await agent.capture(CaptureOptions(delivery: .fd))
        #expect(shot.bytes == image)
    }

    @Test("descriptors nobody claims are closed when the connection ends")
    func leftoversClosed() async throws {
        let name = "leftover-\(UInt32.random(in: 0...UInt32.max))"
        let daemon = try FakeDaemon { m, c in
            if m["type"] == "probe" {
                // A descriptor on an event line: no reply takes it.
                if let fd = try? SealedMemory.make(name: name, bytes: [1, 2, 3]) {
                    c.send(["type": "event", "event": "human_quiet"], attaching: fd)
                    try? fd.close()
                }
                c.reply(m, ["done": true])
            } else {
                FakeDaemon.standard(m, c)
            }
        }
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a", options: .init(reconnect: false))
        _ = try await agent.request(["type": "probe"])
        #expect(Self.openMemfds(named: name) == 1)
        daemon.dropAll()
        #expect(await daemon.eventually { Self.openMemfds(named: name) == 0 })
        agent.close()
    }

    @Test("the request carries every option; a settle report and the transform come back")
    func requestFields() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        let options = CaptureOptions(rect: Self.rect, size: .box(width: 1280, height: 800), format: .png, quality: 70,
                                     delivery: .fd, cursor: true, settle: CaptureSettle(quiet: .milliseconds(50), maximum: .seconds(3)))
        let shot = try await agent.capture(lease: "L1", options)
        let sent = try #require(daemon.received("capture").first)
        #expect(sent["lease"] == "L1" && sent["rect"] == "100,80,400x300" && sent["width"] == 1280 && sent["height"] == 800)
        #expect(sent["quality"] == 70 && sent["delivery"] == "fd" && sent["cursor"] == true && sent["format"] == .null)
        #expect(sent["settle"] == ["quiet_ms": 50, "max_ms": 3000])
        // 400x300 fitted into 1280x800: 1067x800.
        #expect(shot.width == 1067 && shot.height == 800)
        #expect(shot.settle == SettleReport(waited: .milliseconds(120), settled: true))
        #expect(shot.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("bad options are refused before anything is sent")
    func badOptions() async throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let agent = try await AgentClient.connect(socketPath: daemon.path, name: "a")
        defer { agent.close() }
        for options in [CaptureOptions(quality: 0), CaptureOptions(size: .box(width: 9000, height: 10)), CaptureOptions(size: .box(width: nil, height: nil)),
                        CaptureOptions(settle: CaptureSettle(quiet: .milliseconds(1))), CaptureOptions(settle: CaptureSettle(maximum: .seconds(31)))] {
            let e = await #expect(throws: InputMuxError.self) { _ = try await agent.capture(options) }
            #expect(e?.code == .badInput)
        }
        #expect(daemon.received("capture").isEmpty)
        #expect(throws: InputMuxError.self) { try CaptureSize(.grid(1000)) }
        #expect(throws: InputMuxError.self) { try CaptureSize(.unit) }
        #expect(try CaptureSize(.desktop) == .actual)
        #expect(try CaptureSize(parsing: "wxga") == .box(width: 1280, height: 800))
        #expect(try CaptureSize(parsing: "640x480") == .box(width: 640, height: 480))
    }

    @Test("an operator captures a named lease and approves captures")
    func operatorCapture() async throws {
        let daemon = try FakeDaemon { m, c in
            switch m["type"].string {
            case "hello": c.reply(m, ["protocol": 1, "operator": 3, "desktop": ["x": 0, "y": 0, "width": 1920, "height": 1080]])
            case "capture": FakeCapture.answer(m, c)
            default: c.reply(m, ["done": true])
            }
        }
        defer { daemon.stop() }
        let op = try await OperatorClient.connect(socketPath: daemon.path)
        defer { op.close() }
        let shot = try await op.capture(lease: "L7", CaptureOptions(rect: Self.rect))
        #expect(shot.lease == "L7" && shot.rect == Self.rect && shot.width == 400)
        try await op.approve("L7", capture: true)
        try await op.approve("L8", capture: false)
        let approvals = daemon.received("approve").map { [$0["lease"], $0["capture"]] }
        #expect(approvals == [["L7", true], ["L8", .null]])
        #expect(daemon.received("capture").first?["lease"] == "L7")
    }
}

@Suite("The capture transform: image pixels to desktop pixels and back")
struct ImageTransformTests {
    @Test("the protocol's formula, case by case")
    func formula() {
        // 400x300 at (100,80) shown as 1280x960: 3.2 image pixels a desktop pixel.
        let up = ImageTransform(originX: 100, originY: 80, scaleX: 3.2, scaleY: 3.2)
        #expect(up.toDesktop(imageX: 0, imageY: 0) == Point(x: 100, y: 80))
        #expect(up.toDesktop(imageX: 1279, imageY: 959) == Point(x: 499, y: 379))
        #expect(up.toDesktop(imageX: 3, imageY: 4) == Point(x: 101, y: 81))  // (3.5/3.2-.5)=0.59 → 1; (4.5/3.2-.5)=0.906 → 1
        // A 1920x1080 desktop shown at half size.
        let half = ImageTransform(originX: 0, originY: 0, scaleX: 0.5, scaleY: 0.5)
        #expect(half.toDesktop(imageX: 0, imageY: 0) == Point(x: 1, y: 1))      // round(0.5) = 1
        #expect(half.toDesktop(imageX: 959, imageY: 539) == Point(x: 1919, y: 1079))
        #expect(half.toDesktop(imageX: 100, imageY: 10) == Point(x: 201, y: 21))
        // 1:1 with an origin is a shift.
        let one = ImageTransform(originX: 960, originY: 0, scaleX: 1, scaleY: 1)
        #expect(one.toDesktop(imageX: 5, imageY: 7) == Point(x: 965, y: 7))
        #expect(one.toImage(desktop: Point(x: 965, y: 7)) == Point(x: 5, y: 7))
        // Off the image maps off the rectangle; never a trap.
        #expect(one.toDesktop(imageX: -1, imageY: 0) == Point(x: 959, y: 0))
        _ = one.toDesktop(imageX: .nan, imageY: 1e300)
    }

    @Test("round trips: every image pixel of a coarser image, every desktop pixel of a finer one",
          arguments: [(1920, 1080, 1280, 720), (960, 1080, 711, 800), (400, 300, 1280, 960), (1366, 768, 1024, 576), (333, 200, 1000, 600)])
    func roundTrip(desktopWidth: Int, desktopHeight: Int, imageWidth: Int, imageHeight: Int) {
        let t = ImageTransform(originX: 37, originY: 11, scaleX: Double(imageWidth) / Double(desktopWidth),
                               scaleY: Double(imageHeight) / Double(desktopHeight))
        if t.scaleX <= 1 {
            for px in 0..<imageWidth {
                let d = t.toDesktop(imageX: Double(px), imageY: 0)
                #expect(d.x >= 37 && d.x < 37 + desktopWidth)
                #expect(t.toImage(desktop: d).x == px, "image x \(px) → desktop \(d.x)")
            }
        } else {
            for dx in 0..<desktopWidth {
                let p = t.toImage(desktop: Point(x: 37 + dx, y: 11))
                #expect(p.x >= 0 && p.x < imageWidth)
                #expect(t.toDesktop(imageX: Double(p.x), imageY: Double(p.y)).x == 37 + dx)
            }
        }
        // Every image pixel's desktop pixel lies within half a desktop pixel of the centre it shows.
        for py in stride(from: 0, to: imageHeight, by: 7) {
            let d = t.toDesktop(imageX: 0, imageY: Double(py))
            let centre = 11 + (Double(py) + 0.5) / t.scaleY - 0.5
            #expect(abs(Double(d.y) - centre) <= 0.5)
        }
    }
}
