import Foundation
import InputMuxHarness
import InputMuxSystem
import InputMuxWire
import SystemPackage
import Testing
@testable import InputMuxSway

/// The wire format and the client's errors, against sockets that are not a working sway.
@Suite struct SwayWireTests {
    @Test func aFrameIsTheMagicThenNativeLengthAndTypeThenThePayload() {
        let bytes = SwayFrame(type: SwayMessageType.getTree.rawValue, payload: Array("abc".utf8)).encoded
        #expect(bytes.count == 14 + 3)
        #expect(Array(bytes[0..<6]) == Array("i3-ipc".utf8))
        #expect(Array(bytes[6..<10]) == withUnsafeBytes(of: UInt32(3)) { Array($0) })
        #expect(Array(bytes[10..<14]) == withUnsafeBytes(of: UInt32(4)) { Array($0) })
        #expect(Array(bytes[14...]) == Array("abc".utf8))
        let header = SwayFrame.header(bytes[0..<14])
        #expect(header?.length == 3 && header?.type == 4)
        var wrong = Array(bytes[0..<14])
        wrong[0] = UInt8(ascii: "X")
        #expect(SwayFrame.header(wrong) == nil)
    }

    @Test func eventTypesAreTheOnesWithBit31() {
        #expect(SwayEventKind(messageType: 0x8000_0003) == .window)
        #expect(SwayEventKind(messageType: 0x8000_0000) == .workspace)
        #expect(SwayEventKind(messageType: 0x8000_0015) == .input)
        #expect(SwayEventKind(messageType: 0x8000_0007) == .other(7))
        #expect(SwayEventKind(messageType: 3) == nil)
    }

    @Test func aMissingSocketAsksWhetherSwayRunsAndWhatSWAYSOCKSays() throws {
        let path = "/tmp/inputmux-no-such-dir/sway-ipc.1.1.sock"
        do {
            _ = try SwayConnection(socketPath: path)
            Issue.record("connecting to \(path) should fail")
        } catch {
            #expect(error == .socketMissing(path))
            #expect(error.description.contains("is sway running") && error.description.contains("SWAYSOCK"))
        }
    }

    @Test func aSocketLeftBehindSaysSwayHasEnded() throws {
        let dir = try HarnessFiles.temporaryDirectory("inputmux-sway-stale")
        let path = "\(dir)/sway-ipc.sock"
        try UnixSocket.listen(at: path).close()
        do {
            _ = try SwayConnection(socketPath: path)
            Issue.record("connecting to a closed socket should fail")
        } catch {
            #expect(error == .socketStale(path))
            #expect(error.description.contains("has ended"))
        }
        unlink(path)
        rmdir(dir)
    }

    @Test func permissionDeniedSaysWhoseSocketItIs() {
        let e = SwayError(connecting: "/run/user/1000/sway-ipc.1000.5.sock",
                          .failed(call: "connect", path: "/run/user/1000/sway-ipc.1000.5.sock", errno: .permissionDenied))
        #expect(e == .permissionDenied("/run/user/1000/sway-ipc.1000.5.sock"))
        #expect(e.description.contains("connect as that user or as root"))
    }

    @Test func aPeerWithoutTheMagicIsAMalformedReply() throws {
        let peer = try FakeSwayPeer(reply: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
        let c = try SwayConnection(socketPath: peer.path, timeout: .seconds(5))
        do {
            _ = try c.request(.getVersion)
            Issue.record("a reply without the magic should be refused")
        } catch {
            guard case .malformedReply(_, let detail) = error else { Issue.record("got \(error)"); return }
            #expect(detail.contains("HTTP/1") && detail.contains("i3-ipc"))
        }
        withExtendedLifetime(peer) {}
    }

    @Test func aPayloadThatIsNotJSONIsAMalformedReply() throws {
        let peer = try FakeSwayPeer(reply: SwayFrame(type: SwayMessageType.getTree.rawValue, payload: Array("{not json".utf8)).encoded)
        let c = try SwayConnection(socketPath: peer.path, timeout: .seconds(5))
        do {
            _ = try c.tree()
            Issue.record("a payload that is not JSON should be refused")
        } catch {
            #expect(error == .malformedReply(what: "GET_TREE", detail: "the payload is not JSON: \"{not json\""))
        }
        withExtendedLifetime(peer) {}
    }

    @Test func aSilentPeerTimesOutWithinTheDeadline() throws {
        let peer = try FakeSwayPeer(reply: nil)
        let c = try SwayConnection(socketPath: peer.path, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        do {
            _ = try c.outputs()
            Issue.record("a silent peer should time out")
        } catch {
            #expect(error == .timedOut(what: "GET_OUTPUTS", after: .milliseconds(300), socket: peer.path))
        }
        let took = ContinuousClock.now - start
        #expect(took >= .milliseconds(300) && took < .seconds(3))
        #expect(throws: SwayError.outOfStep(peer.path)) { try c.tree() }
        withExtendedLifetime(peer) {}
    }

    @Test func namesThatWouldSplitACommandAreRefused() throws {
        let peer = try FakeSwayPeer(reply: nil)
        let c = try SwayConnection(socketPath: peer.path, timeout: .milliseconds(300))
        #expect(throws: SwayError.unsafeArgument("a\"; exit")) { try c.attach(seat: "a\"; exit", input: "*") }
        #expect(throws: SwayError.unsafeArgument("x,y")) { try c.attach(seat: "s", input: "x,y") }
        withExtendedLifetime(peer) {}
    }

    @Test func aTreeDeeperThanAWireLineIsRead() throws {
        // 40 nested splits: deeper than the wire's 32 levels of JSON.
        var node: JSON = ["id": 1000, "type": "con", "shell": "xdg_shell", "app_id": "deep", "pid": 7,
                          "rect": ["x": 1, "y": 2, "width": 3, "height": 4], "nodes": []]
        for i in 0..<40 {
            node = ["id": .int(Int64(i)), "type": "con", "rect": ["x": 0, "y": 0, "width": 9, "height": 9], "nodes": [node]]
        }
        let root: JSON = ["id": 1, "type": "root", "rect": ["x": 0, "y": 0, "width": 9, "height": 9],
                          "nodes": [["id": 2, "type": "workspace", "name": "w", "rect": ["x": 0, "y": 0, "width": 9, "height": 9], "nodes": [node]]]]
        #expect(JSON.parse(root.serializedBytes) == nil)
        let parsed = try #require(JSON.parse(root.serializedBytes, maximumDepth: SwayConnection.maximumJSONDepth))
        let tree = try SwayTree(sway: parsed)
        #expect(tree.views.map(\.conID) == [1000])
        #expect(tree.views.first?.workspace == "w")
    }
}
