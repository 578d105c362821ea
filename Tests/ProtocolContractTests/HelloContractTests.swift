import InputMuxClient
@testable import InputMuxConfiguration
@testable import InputMuxCore
@testable import InputMuxDaemon
import InputMuxWire
import Testing

/// The hello replies the daemon's loop writes (`Replies`) reach the client library as
/// what the daemon meant: the agent's session, identity, desktop, devices and limits; the
/// operator's id, desktop and the human's devices.
@Suite struct HelloContractTests {
    typealias D = DaemonToClient

    /// The reply's result, as the client's reader hands it to the hello's reader.
    static func result(_ reply: JSON, id: Int64) throws -> JSON {
        let message = try #require(D.clientReads(reply), "the client skipped the hello reply")
        guard case .reply(let readID, let result) = message else {
            Issue.record("the hello reply read as \(message)")
            throw HelloContractFailure()
        }
        #expect(readID == id)
        return try result.get()
    }

    @Test func anAgentsHelloReadsBackAsTheSession() throws {
        var limits = Configuration.Limits()
        limits.maximumTextLength = 1234
        limits.maximumPathPoints = 567
        let desktop = InputMuxCore.Region(x: 0, y: 0, width: 2560, height: 1440)
        let reply = Replies.agentHello(RequestID(1), identity: D.holder, desktop: desktop,
                                       devices: ["pointer": "/dev/input/event21", "keyboard": "/dev/input/event22"],
                                       seat: .own(name: "inputmux agent holder#7"), limits: limits)
        let info = try SessionInfo(hello: try Self.result(reply, id: 1))
        #expect(info.seat == .own(name: "inputmux agent holder#7"))
        let shared = Replies.agentHello(RequestID(2), identity: D.holder, desktop: desktop, devices: [:],
                                        seat: .shared(reason: "seats of their own are off ([x11] seats = false)"), limits: limits)
        #expect(try SessionInfo(hello: try Self.result(shared, id: 2)).seat == .shared(reason: "seats of their own are off ([x11] seats = false)"))
        #expect(info.protocolVersion == Int(wireProtocolVersion))
        D.expectSame(info.identity, D.holder)
        D.expectSame(info.desktop, desktop)
        #expect(info.pointerDevice == "/dev/input/event21")
        #expect(info.keyboardDevice == "/dev/input/event22")
        #expect(info.maxTextLength == 1234)
        #expect(info.maxPathPoints == 567)
    }

    @Test func anOperatorsHelloReadsBackWithTheHumansDevices() throws {
        let desktop = InputMuxCore.Region(x: -1920, y: 0, width: 3840, height: 1080)
        let devices = [
            HumanInput.DeviceSummary(id: 3, path: "/dev/input/event3", name: "AT Translated Set 2 keyboard",
                                     clone: "/dev/input/event30", classes: "keyboard"),
            HumanInput.DeviceSummary(id: 5, path: "/dev/input/event5", name: "Logitech \"MX\" Master",
                                     clone: "/dev/input/event31", classes: "pointer"),
        ]
        let reply = Replies.operatorHello(RequestID(9), operator: OperatorID(4), desktop: desktop, devices: devices)
        let info = try OperatorInfo(hello: try Self.result(reply, id: 9))
        #expect(info.protocolVersion == Int(wireProtocolVersion))
        #expect(info.operatorID == 4)
        D.expectSame(info.desktop, desktop)
        #expect(info.devices.map(\.id) == devices.map { Int($0.id) })
        #expect(info.devices.map(\.path) == devices.map(\.path))
        #expect(info.devices.map(\.name) == devices.map(\.name))
        #expect(info.devices.map(\.clone) == devices.map(\.clone))
        #expect(info.devices.map(\.classes) == devices.map(\.classes))
    }

    @Test func monitoringReadsBackAsASuccess() throws {
        let result = try Self.result(Replies.monitoring(RequestID(11)), id: 11)
        #expect(result["monitoring"].bool == true)
    }
}

struct HelloContractFailure: Error {}
