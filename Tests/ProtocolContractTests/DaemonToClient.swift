import InputMuxClient
@testable import InputMuxCore
import InputMuxDaemon
import InputMuxWire
import Testing

/// What the daemon writes, as the client library reads it: the daemon's encoder, its line
/// as a connection sends it, and the client's one reader (`DaemonMessage`).
enum DaemonToClient {
    static func clientReads(_ message: JSON) -> DaemonMessage? {
        var line = message.serializedBytes
        line.append(UInt8(ascii: "\n"))
        return DaemonMessage(line: line.dropLast())
    }

    static let holder = AgentIdentity(name: "claude-1", session: SessionID(7), uid: 1000, gid: 1001, pid: 4242, exe: "/usr/bin/python3")

    static func lease(_ n: UInt64, state: InputMuxCore.LeaseState, window: Bool = false) -> InputMuxCore.LeaseInfo {
        let region = InputMuxCore.Region(x: 10, y: 20, width: 300, height: 400)
        return InputMuxCore.LeaseInfo(
            id: LeaseID(n), holder: holder,
            resources: LeaseResources(area: window ? .window(WindowID(0x2a00007), geometry: region) : .region(region), pointer: true, keyboard: true),
            state: state, requestedAt: Instant(nanoseconds: 5_000_000), grantedAt: state == .active ? Instant(nanoseconds: 6_000_000) : nil,
            expiresAt: state == .active ? Instant(nanoseconds: 36_000_000) : nil, queuePosition: state == .queued ? 2 : nil)
    }

    /// The client's lease says what the daemon's does, field by field.
    static func expectSame(_ c: InputMuxClient.LeaseInfo, _ d: InputMuxCore.LeaseInfo, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(c.id == d.id.description, sourceLocation: sourceLocation)
        expectSame(c.holder, d.holder, sourceLocation: sourceLocation)
        let state: String = switch d.state {
        case .pendingApproval: "pending_approval"
        case .queued: "queued"
        case .active: "active"
        case .paused: "paused"
        case .ended: "ended"
        }
        #expect(c.state == state, sourceLocation: sourceLocation)
        if case .ended(let why) = d.state { #expect(c.endedReason == why.rawValue, sourceLocation: sourceLocation) }
        expectSame(c.region, d.resources.region, sourceLocation: sourceLocation)
        #expect(c.pointer == d.resources.pointer && c.keyboard == d.resources.keyboard, sourceLocation: sourceLocation)
        #expect(c.window == d.resources.area.window.map { Int($0.rawValue) }, sourceLocation: sourceLocation)
        #expect(c.requestedMs == Int(d.requestedAt.nanoseconds / 1_000_000), sourceLocation: sourceLocation)
        #expect(c.grantedMs == d.grantedAt.map { Int($0.nanoseconds / 1_000_000) }, sourceLocation: sourceLocation)
        #expect(c.expiresMs == d.expiresAt.map { Int($0.nanoseconds / 1_000_000) }, sourceLocation: sourceLocation)
        #expect(c.position == d.queuePosition, sourceLocation: sourceLocation)
    }

    static func expectSame(_ c: InputMuxClient.Identity, _ d: AgentIdentity, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(c == InputMuxClient.Identity(name: d.name, session: Int(d.session.rawValue), uid: Int(d.uid), gid: Int(d.gid),
                                             pid: Int(d.pid), exe: d.exe), sourceLocation: sourceLocation)
    }

    static func expectSame(_ c: InputMuxClient.Region, _ d: InputMuxCore.Region, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(c == InputMuxClient.Region(x: Int(d.x), y: Int(d.y), width: Int(d.width), height: Int(d.height)), sourceLocation: sourceLocation)
    }
}
