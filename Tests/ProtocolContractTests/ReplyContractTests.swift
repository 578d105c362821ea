import Crypto
import Foundation
@testable import InputMuxClient
@testable import InputMuxCore
import InputMuxDaemon
import InputMuxWire
import Testing

/// Every reply and every reason code the daemon writes reaches the client library as
/// what the daemon meant: the reply's kind and fields, the refusal's code and sentence.
@Suite struct ReplyContractTests {
    typealias D = DaemonToClient

    static let status = StatusSnapshot(
        time: Instant(nanoseconds: 90_000_000), held: [D.lease(1, state: .active, window: true), D.lease(2, state: .paused)],
        waiting: [D.lease(3, state: .queued), D.lease(4, state: .pendingApproval)], sessions: [D.holder],
        humanQuietAt: Instant(nanoseconds: 95_000_000), frozenSince: Instant(nanoseconds: 80_000_000),
        seatBusyWith: SessionID(7), seatQueueLength: 3, seatHeldBy: nil, cancelTargets: [LeaseID(2)],
        desktop: InputMuxCore.Region(x: 0, y: 0, width: 1920, height: 1080))

    /// A raw 4x3 capture of 8,16,12x9 in L5, scaled by 1/3, settled after 212 ms.
    static let captureBytes: [UInt8] = (0..<48).map { UInt8($0 * 5) }
    static let capture = CaptureOrder(requester: .session(SessionID(7)), request: RequestID(42), lease: LeaseID(5), holder: SessionID(7),
                                      area: .region(InputMuxCore.Region(x: 0, y: 0, width: 100, height: 100)),
                                      rect: InputMuxCore.Region(x: 8, y: 16, width: 12, height: 9), lastAction: nil, cursor: nil)
    static let captureFacts = CaptureFacts(rect: capture.rect, width: 4, height: 3, format: "raw", bytes: captureBytes.count,
                                           sha256: SHA256.hash(data: captureBytes).map { String(format: "%02x", $0) }.joined(),
                                           waited: .milliseconds(212), settled: true)

    /// One reply of each kind the engine gives.
    static let replies: [Reply] = [
        .granted(D.lease(5, state: .active)),
        .queued(D.lease(6, state: .queued), position: 2, reason: "L5 holds 10,20,300x400 until it is released"),
        .pendingApproval(D.lease(7, state: .pendingApproval), reason: "a sensitive region: an operator must approve"),
        .done,
        .status(status),
        .captured(capture, captureFacts),
        .rejected(Rejection(.outsideRegion, "click at 5000,5000 is outside your region 10,20,300x400")),
    ]

    /// The daemon's reply, read by the client, says what the daemon meant. Exhaustive over
    /// `Reply`: a new kind of reply does not compile until the client's reading is checked.
    static func expectClientReads(_ reply: Reply) throws {
        let message = try #require(D.clientReads(WireEncoding.reply(reply, id: RequestID(42))), "the client skipped \(reply)")
        guard case .reply(let id, let result) = message else {
            Issue.record("\(reply) read as \(message)")
            return
        }
        #expect(id == 42)
        switch reply {
        case .granted(let l):
            let r = try result.get().decode(AcquireReply.self)
            #expect(r.state == .active)
            D.expectSame(r.lease, l)
        case .queued(let l, let position, let reason):
            let r = try result.get().decode(AcquireReply.self)
            #expect(r.state == .queued(position: position, reason: reason))
            D.expectSame(r.lease, l)
        case .pendingApproval(let l, let reason):
            let r = try result.get().decode(AcquireReply.self)
            #expect(r.state == .pendingApproval(reason: reason))
            D.expectSame(r.lease, l)
        case .done:
            #expect(try result.get()["done"] == true)
        case .status(let s):
            let r = try result.get().decode(StatusReport.self)
            #expect(r.timeMs == 90 && r.seatQueue == s.seatQueueLength && r.seatBusyWith == 7)
            #expect(r.humanQuietMs == 95 && r.frozenSinceMs == 80 && r.frozen && r.humanActive)
            #expect(r.held.count == s.held.count && r.waiting.count == s.waiting.count)
            for (c, d) in zip(r.held + r.waiting, s.held + s.waiting) { D.expectSame(c, d) }
            #expect(r.sessions.count == 1)
            if let first = r.sessions.first { D.expectSame(first, D.holder) }
            #expect(r.cancelTargets == s.cancelTargets.map(\.description))
            #expect(r.desktop == InputMuxClient.Region(x: 0, y: 0, width: 1920, height: 1080))
            #expect(r.truncated == nil && r.omitted == nil)
        case .rejected(let why):
            #expect(throws: InputMuxError(why.code, why.message)) { try result.get() }
        case .captured(let order, let facts):
            // The loop writes a capture's reply itself, with the image: read that one.
            let line = WireEncoding.captured(order.lease, facts, origin: Point(x: 8, y: 16), scaleX: 1.0 / 3, scaleY: 1.0 / 3,
                                             payload: .inline(base64: Data(captureBytes).base64EncodedString()), id: RequestID(42))
            guard case .reply(42, let captured)? = D.clientReads(line) else { Issue.record("the client skipped \(line)"); return }
            let shot = try Screenshot(reply: DaemonReply(result: try captured.get()))
            #expect(shot.lease == "L5" && shot.bytes == captureBytes && shot.format == .raw)
            #expect(shot.sha256 == facts.sha256 && shot.width == 4 && shot.height == 3)
            #expect(shot.rect == InputMuxClient.Region(x: 8, y: 16, width: 12, height: 9))
            #expect(shot.transform.originX == 8 && shot.transform.originY == 16 && abs(shot.transform.scaleX - 1.0 / 3) < 1e-12)
            #expect(shot.settle == SettleReport(waited: .milliseconds(212), settled: true))
            // The pixel the image's top-left pixel shows: 8 + round((0.5) * 3 - 0.5) = 9.
            #expect(shot.transform.toDesktop(imageX: 0, imageY: 0) == InputMuxClient.Point(x: 9, y: 17))
        }
    }

    @Test func everyKindOfReplyReadsAsTheDaemonMeantIt() throws {
        for reply in Self.replies { try Self.expectClientReads(reply) }
    }

    @Test func aStatusCutToFitReadsWithWhatItLeftOut() throws {
        let fitted = WireEncoding.statusReply(Self.status, id: RequestID(3), budget: 1200)
        guard case .reply(3, let result)? = D.clientReads(fitted) else {
            Issue.record("the client did not read the cut status as reply 3")
            return
        }
        let r = try result.get().decode(StatusReport.self)
        #expect(r.truncated == true)
        let omitted = try #require(r.omitted)
        #expect(r.held.count + omitted.held == 2 && r.waiting.count + omitted.waiting == 2)
        #expect(omitted.held + omitted.waiting + omitted.sessions + omitted.cancelTargets > 0)
    }

    @Test func everyCodeTheEngineWritesReachesTheClientAsThatCode() throws {
        let codes = ReasonCode.allCases.filter { $0.writers.contains(.engine) }
        #expect(!codes.isEmpty)
        for code in codes {
            try Self.expectClientReads(.rejected(Rejection(code, "refused with \(code.rawValue); do something else")))
        }
    }

    @Test func everyProtocolErrorReachesTheClientAsThatCode() throws {
        let codes = ReasonCode.allCases.filter { $0.writers.contains(.protocolLayer) }
        #expect(codes.count >= 7)
        for code in codes {
            let error = WireError(code, "\(code.rawValue): the message says what to do")
            guard case .reply(9, let result)? = D.clientReads(WireEncoding.error(error, id: RequestID(9))) else {
                Issue.record("the client did not read the \(code) error as reply 9")
                continue
            }
            #expect(throws: InputMuxError(code, error.message)) { try result.get() }
        }
    }

    @Test func theDaemonWritesNoCodeOnlyTheClientMayUse() {
        for code in ReasonCode.allCases {
            #expect(code.isWrittenByDaemon != (code.writers == .client), "\(code)")
        }
    }

    @Test func aCodeTheClientDoesNotKnowIsAProtocolViolationThatKeepsIt() throws {
        let line: JSON = ["type": "reply", "id": 5, "ok": false, "error": ["code": "brand_new", "message": "a newer daemon's refusal"]]
        guard case .reply(5, .failure(let error))? = D.clientReads(line) else {
            Issue.record("not read as a failed reply 5")
            return
        }
        #expect(error.code == .protocolViolation)
        #expect(error.message.contains("brand_new") && error.message.contains("a newer daemon's refusal"))
    }
}
