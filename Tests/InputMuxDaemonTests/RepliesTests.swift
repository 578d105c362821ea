import InputMuxConfiguration
import Testing

@testable import InputMuxCore
@testable import InputMuxDaemon

/// The replies the loop writes itself: the fields docs/PROTOCOL.md promises, and an
/// operator's status carrying the human's devices and the X11 adapter's foreign input
/// where an agent's does not.
@Suite struct RepliesTests {
    let desktop = Region(x: 0, y: 0, width: 1920, height: 1080)
    let mouse = HumanInput.DeviceSummary(id: 3, path: "/dev/input/event3", name: "USB Mouse", clone: "/dev/input/event9",
                                         classes: "pointer")

    var status: StatusSnapshot {
        StatusSnapshot(time: .zero, held: [], waiting: [], sessions: [], humanQuietAt: nil, frozenSince: nil, seatBusyWith: nil,
                       seatQueueLength: 0, seatHeldBy: nil, cancelTargets: [], desktop: desktop)
    }

    @Test func anAgentsHelloReplyNamesItsSessionDevicesAndLimits() throws {
        let identity = AgentIdentity(name: "bot", session: SessionID(12), uid: 1000, gid: 100, pid: 77, exe: "/usr/bin/bot")
        var limits = try ConfigurationLoader.parse("", keyName: nil).limits
        limits.maximumInFlight = 9
        let r = Replies.agentHello(RequestID(1), identity: identity, desktop: desktop,
                                   devices: ["pointer": "/dev/input/event20", "keyboard": "/dev/input/event21"],
                                   seat: .own(name: "inputmux agent bot#12"), limits: limits)
        #expect(r["type"] == "reply" && r["id"].int == 1 && r["ok"] == true)
        #expect(r["result"]["seat"]["mode"] == "own" && r["result"]["seat"]["name"] == "inputmux agent bot#12")
        let result = r["result"]
        #expect(result["protocol"].int == Int(wireProtocolVersion) && result["session"].int == 12)
        #expect(result["identity"]["name"] == "bot" && result["identity"]["pid"].int == 77)
        #expect(result["desktop"]["width"].int == 1920)
        #expect(result["devices"]["keyboard"] == "/dev/input/event21")
        #expect(result["limits"]["max_in_flight"].int == 9)
        #expect(result["limits"]["max_message_bytes"].int == limits.maximumMessageBytes)
    }

    @Test func anOperatorsHelloListsTheHumansDevices() {
        let r = Replies.operatorHello(RequestID(4), operator: OperatorID(2), desktop: desktop, devices: [mouse])
        #expect(r["id"].int == 4 && r["result"]["operator"].int == 2)
        #expect(r["result"]["devices"].array?.count == 1)
        #expect(r["result"]["devices"].array?.first?["clone"] == "/dev/input/event9")
    }

    @Test func onlyAnOperatorsStatusCarriesDevicesAndForeignInput() {
        var asked = 0
        let extras: Replies.OperatorStatus = {
            asked += 1
            return ([mouse], ["count": 2])
        }
        let forOperator = Replies.engine(.status(status), id: RequestID(5), budget: 1 << 20, operatorStatus: extras)
        #expect(forOperator["result"]["devices"].array?.first?["name"] == "USB Mouse")
        #expect(forOperator["result"]["foreign_input"]["count"].int == 2)
        let forAgent = Replies.engine(.status(status), id: RequestID(5), budget: 1 << 20, operatorStatus: nil)
        #expect(forAgent["result"]["devices"] == .null && forAgent["result"]["desktop"]["height"].int == 1080)
        // Other replies never ask for the inventory.
        let done = Replies.engine(.done, id: RequestID(6), budget: 1 << 20, operatorStatus: extras)
        #expect(done == WireEncoding.reply(.done, id: RequestID(6)))
        #expect(asked == 1)
    }

    @Test func monitoringIsAcknowledged() {
        #expect(Replies.monitoring(RequestID(8)) == ["type": "reply", "id": 8, "ok": true, "result": ["monitoring": true]])
    }
}
