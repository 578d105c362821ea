import InputMuxCLI
import InputMuxClient
import InputMuxWire
import Testing

/// `muxctl monitor` shows what an agent saw: the capture's facts, never an image.
@Suite struct MonitorCaptureTests {
    static func record(settled: Bool?) throws -> AuditRecord {
        var capture: [String: JSON] = [
            "rect": ["x": 0, "y": 0, "width": 960, "height": 1080, "text": "0,0,960x1080"], "width": 711, "height": 800,
            "format": "png", "bytes": 48213, "sha256": "9f2c1a0b3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef012", "settle_ms": 212,
        ]
        if let settled { capture["settled"] = .bool(settled) }
        let event: JSON = ["type": "event", "event": "audit", "time_ms": 1625046, "action": "capture", "decision": "allowed",
                           "message": "capture of L7", "points": [], "agent": FakeIdentity.json, "lease": "L7", "capture": .object(capture)]
        return try event.decode(AuditRecord.self)
    }

    enum FakeIdentity {
        static let json: JSON = ["name": "bot", "session": 3, "uid": 1000, "gid": 1000, "pid": 42, "exe": "/usr/bin/agent"]
    }

    @Test func aCaptureLineSaysWhatWasSeen() throws {
        let r = try Self.record(settled: true)
        #expect(r.capture?.sha256.hasPrefix("9f2c") == true && r.capture?.rect == Region(x: 0, y: 0, width: 960, height: 1080))
        let line = MonitorView.line(r, clock: "12:00:00.000")
        #expect(line.contains("allowed  bot#3  L7  capture 0,0,960x1080 as 711x800 png 48213 B sha256 9f2c1a0b3d4e… settled in 212 ms  capture of L7"), "\(line)")
        #expect(!line.contains("9f2c1a0b3d4e5f"))
        #expect(MonitorView.line(try Self.record(settled: false), clock: "t").contains("NOT settled after 212 ms"))
        #expect(!MonitorView.line(try Self.record(settled: nil), clock: "t").contains("settle"))
    }

    @Test func theJSONLineKeepsTheCaptureObject() throws {
        let json = try #require(JSON.parse(MonitorView.json(try Self.record(settled: true))))
        #expect(json["capture"]["sha256"] == "9f2c1a0b3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef012")
        #expect(json["capture"]["rect"]["text"] == "0,0,960x1080" && json["capture"]["settled"] == true && json["capture"]["settle_ms"] == 212)
        #expect(JSON.parse(MonitorView.json(try Self.record(settled: nil)))?["capture"]["settled"] == .null)
    }
}
