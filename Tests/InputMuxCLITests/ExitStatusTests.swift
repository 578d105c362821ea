import InputMuxCLI
import InputMuxCore
import InputMuxDaemon
import InputMuxRelay
import InputMuxWire
import Testing

@Suite struct ExitStatusTests {
    @Test func everyEngineReasonHasItsOwnStatus() {
        for code in ReasonCode.allCases where code.writers.contains(.engine) {
            #expect(ExitStatus.forReason(code.rawValue) != .failure, "reason \(code.rawValue) falls through to failure")
        }
    }

    @Test func everyProtocolErrorHasItsOwnStatus() {
        for code in ReasonCode.allCases where code.writers.contains(.protocolLayer) {
            #expect(ExitStatus.forReason(code.rawValue) != .failure, "wire code \(code.rawValue) falls through to failure")
        }
    }

    @Test func aCodeOnALineGetsTheStatusOfItsReasonCode() {
        for code in ReasonCode.allCases {
            #expect(ExitStatus.forReason(code.rawValue) == ExitStatus.forReason(code), "\(code.rawValue)")
        }
    }

    @Test func aStatusCodeGivesItsStatusBack() {
        for s in ExitStatus.allCases {
            #expect(ExitStatus.forReason(s.code) == s, "\(s.code)")
        }
    }

    @Test func theOutcomesScriptsTellApart() {
        #expect(ExitStatus.forReason("conflict") == .denied)
        #expect(ExitStatus.forReason("outside_region") == .denied)
        #expect(ExitStatus.forReason("queue_timeout") == .queueTimeout)
        #expect(ExitStatus.forReason("paused_human") == .paused)
        #expect(ExitStatus.forReason("frozen") == .paused)
        #expect(ExitStatus.forReason("revoked") == .revoked)
        #expect(ExitStatus.forReason("malformed") == .badInput)
        #expect(ExitStatus.forReason("unmappable_text") == .badInput)
        #expect(ExitStatus.forReason("something_new") == .failure)
        let distinct = Set([ExitStatus.denied, .queueTimeout, .paused, .revoked, .badInput].map(\.rawValue))
        #expect(distinct.count == 5)
        #expect(!distinct.contains(0) && !distinct.contains(1))
    }

    @Test func relayedFailuresKeepTheirStatus() {
        #expect(CLIError.daemon(code: "outside_region", message: "m").relayCode == "outside_region")
        #expect(CLIError(.revoked, "ended", code: "no_lease").relayCode == "revoked")
        #expect(CLIError(.badInput, "bad line").relayCode == "bad_input")
    }

    @Test func helpTableListsEveryStatus() {
        for s in ExitStatus.allCases {
            #expect(ExitStatus.helpTable.contains("  \(s.rawValue)  \(s.meaning)"))
        }
    }
}
