import InputMuxClient
@testable import InputMuxCore
import InputMuxDaemon
import InputMuxWire
import Testing

/// Every event the daemon writes reaches the client library as the event it is. The
/// samples come from an exhaustive switch over `EventKind`: a new kind does not compile
/// until it has one here.
@Suite struct EventContractTests {
    typealias D = DaemonToClient

    static let region = InputMuxCore.Region(x: 40, y: 50, width: 600, height: 300)

    /// The daemon's events of `kind`, each with a check of what the client made of it.
    static func samples(_ kind: EventKind) -> [(JSON, (DaemonEvent) -> Bool)] {
        let lease = LeaseID(5)
        let why = Rejection(.pausedHuman, "the human is typing; agents wait for 1500 ms of quiet")
        func reason(_ r: Reason) -> Bool { r.code == why.code && r.message == why.message }
        switch kind {
        case .granted:
            let info = D.lease(5, state: .active)
            return [(WireEncoding.event(.granted(info)), {
                guard case .granted(let c) = $0 else { return false }
                D.expectSame(c, info)
                return true
            })]
        case .revoked:
            let r = Rejection(.revoked, "revoked by the operator")
            return [(WireEncoding.event(.ended(lease, r)), {
                if case .revoked("L5", let got) = $0 { got == Reason(code: .revoked, message: r.message) } else { false }
            })]
        case .ended:
            return [ReasonCode.ttlExpired, .released, .windowClosed, .desktopChanged, .abortedByHuman].map { code in
                let r = Rejection(code, "L5 ended: \(code.rawValue)")
                return (WireEncoding.event(.ended(lease, r)), {
                    if case .ended("L5", let got) = $0 { got == Reason(code: code, message: r.message) } else { false }
                })
            }
        case .paused:
            let operatorPause = Rejection(.leaseNotActive, "lease L5 paused by the operator")
            return [
                (WireEncoding.event(.paused(lease, operatorPause)), {
                    if case .leasePaused("L5", let got) = $0 { got == Reason(code: .leaseNotActive, message: operatorPause.message) } else { false }
                }),
                (WireEncoding.event(.humanActive(why)), { if case .humanActive(let got) = $0 { reason(got) } else { false } }),
            ]
        case .resumed:
            return [
                (WireEncoding.event(.resumed(lease)), { $0 == .leaseResumed(lease: "L5") }),
                (WireEncoding.event(.humanQuiet), { $0 == .humanQuiet }),
            ]
        case .moved:
            return [(WireEncoding.event(.moved(lease, region)), {
                if case .moved("L5", let r) = $0 { r == InputMuxClient.Region(x: 40, y: 50, width: 600, height: 300) } else { false }
            })]
        case .frozen:
            let panic = Rejection(.frozen, "the panic chord froze every agent; an operator runs muxctl resume")
            return [(WireEncoding.event(.frozen(panic)), {
                if case .frozen(let got) = $0 { got == Reason(code: .frozen, message: panic.message) } else { false }
            })]
        case .unfrozen:
            return [(WireEncoding.event(.unfrozen), { $0 == .unfrozen })]
        case .desktop:
            let devices = ["pointer": "/dev/input/event9", "keyboard": "/dev/input/event10"]
            return [(WireEncoding.desktop(region, devices: devices), {
                guard case .desktop(let r, let d) = $0 else { return false }
                return r == InputMuxClient.Region(x: 40, y: 50, width: 600, height: 300)
                    && d["pointer"].string == devices["pointer"] && d["keyboard"].string == devices["keyboard"]
            })]
        case .audit:
            let event = AuditEvent(
                time: Instant(nanoseconds: 12_000_000), identity: D.holder, lease: lease, action: GestureAction.type.rawValue,
                points: [InputMuxCore.Point(x: 1, y: 2)], decision: .rejected, reason: .unmappableText,
                message: "type refused: the keymap cannot type ☃", text: RedactedText(length: 7, hmac: "ab12"))
            return [(WireEncoding.audit(event), {
                guard case .audit(let a) = $0 else { return false }
                if let agent = a.agent { D.expectSame(agent, D.holder) }
                return a.timeMs == 12 && a.action == "type" && a.decision == "rejected" && a.reason == "unmappable_text"
                    && a.message == event.message && a.points == [[1, 2]] && a.lease == "L5" && a.agent != nil
                    && a.text?.length == 7 && a.text?.hmac == "ab12"
            })]
        }
    }

    @Test func everyEventKindReadsAsTheEventTheDaemonMeant() throws {
        for kind in EventKind.allCases {
            let samples = Self.samples(kind)
            #expect(!samples.isEmpty, "no sample for \(kind)")
            for (json, means) in samples {
                #expect(json["event"].string == kind.rawValue, "the daemon wrote \(json) for \(kind)")
                guard case .event(let event)? = D.clientReads(json) else {
                    Issue.record("the client did not read \(json) as an event")
                    continue
                }
                #expect(means(event), "\(json) read as \(event)")
            }
        }
    }

    @Test func everyCodeTheEngineEndsALeaseWithReachesTheLeaseAsThatCode() throws {
        for code in ReasonCode.allCases where code.writers.contains(.engine) {
            let json = WireEncoding.event(.ended(LeaseID(3), Rejection(code, "ended: \(code.rawValue)")))
            guard case .event(let event)? = D.clientReads(json) else {
                Issue.record("\(json) not read as an event")
                continue
            }
            switch event {
            case .ended("L3", let r), .revoked("L3", let r): #expect(r.code == code && r.message == "ended: \(code.rawValue)")
            default: Issue.record("\(code): \(event)")
            }
        }
    }

    @Test func anEventKindTheClientDoesNotKnowIsSkipped() {
        #expect(D.clientReads(["type": "event", "event": "brand_new"]) == nil)
    }
}
