import ArgumentParser
import InputMuxCLI
@testable import muxctl
import Testing

/// The command tree as a user meets it: verbs, options before or after the verb, help,
/// and the exit status of every way to get the command line wrong.
@Suite struct CommandLineTests {
    func parse(_ args: [String]) throws -> any ParsableCommand { try MuxctlCommand.parseAsRoot(args) }

    @Test func agentOptionsBeforeOrAfterTheVerb() throws {
        for args in [["agent", "--name", "bot", "--region", "0,0,960,1080", "click", "100", "200"],
                     ["agent", "click", "100", "200", "--name", "bot", "--region", "0,0,960,1080"]] {
            let click = try #require(try parse(args) as? AgentClickCommand)
            #expect(click.agent.name == "bot")
            #expect(click.agent.region == "0,0,960,1080")
            #expect(click.position == [100, 200])
        }
    }

    @Test func agentVerbsAndTheirOptions() throws {
        let drag = try #require(try parse(["agent", "--name", "a", "drag", "1", "2", "3", "4", "--button", "right"]) as? AgentDragCommand)
        #expect(drag.coordinates == [1, 2, 3, 4])
        let key = try #require(try parse(["agent", "--name", "a", "key", "ctrl+s", "Return", "--repeat", "2"]) as? AgentKeyCommand)
        #expect(key.chords == ["ctrl+s", "Return"] && key.times == 2)
        let type = try #require(try parse(["agent", "--name", "a", "--try", "type", "hello", "world"]) as? AgentTypeCommand)
        #expect(type.words == ["hello", "world"] && type.agent.tryOnly)
        let acquire = try #require(try parse(["agent", "--name", "a", "--keyboard", "--timeout", "5", "lease", "acquire"]) as? AgentLeaseAcquireCommand)
        #expect(acquire.agent.keyboard && acquire.agent.timeout == 5)
        #expect(try parse(["agent", "--name", "a", "run"]) is AgentRunCommand)
    }

    @Test func operatorVerbs() throws {
        let revoke = try #require(try parse(["revoke", "12", "--control-socket", "/tmp/c.sock"]) as? RevokeCommand)
        #expect(revoke.lease.id == "L12")
        #expect(revoke.control.socketPath == "/tmp/c.sock")
        let reassign = try #require(try parse(["reassign", "L3", "7"]) as? ReassignCommand)
        #expect(reassign.lease.id == "L3" && reassign.session == 7)
        let status = try #require(try parse(["status", "--json", "--watch"]) as? StatusCommand)
        #expect(status.json.enabled && status.watch)
        #expect(try parse(["resume"]) is ResumeCommand)
        #expect(try parse(["audit"]) is AuditTailCommand)
        let tail = try #require(try parse(["audit", "-n", "5", "--agent", "bot#3"]) as? AuditTailCommand)
        #expect(tail.count == 5 && tail.agent == "bot#3")
        #expect(try parse(["audit", "verify", "--json"]) is AuditVerifyCommand)
        #expect(try parse(["doctor", "--json"]) is DoctorCommand)
    }

    @Test(arguments: [
        ["frobnicate"],
        ["agent", "--name", "a", "frobnicate"],
        ["agent", "click", "1", "2"],
        ["agent", "--name", "a", "click", "1"],
        ["agent", "--name", "a", "--region", "1,2", "click", "1", "1"],
        ["agent", "--name", "a", "drag", "1", "2", "3"],
        ["agent", "--name", "a", "key"],
        ["revoke", "Lx"],
        ["revoke"],
        ["reassign", "L1", "0"],
        ["audit", "-n", "-1"],
        ["status", "--interval", "0"],
    ])
    func badCommandLinesAreBadInputWithUsage(_ args: [String]) {
        do {
            _ = try parse(args)
            Issue.record("\(args) parsed")
        } catch {
            let (status, message, toStdout) = MuxctlCommand.report(error)
            #expect(status == ExitStatus.badInput.rawValue)
            #expect(!toStdout)
            #expect(message?.contains("Usage:") == true, "\(message ?? "")")
        }
    }

    @Test func helpListsEveryVerbAndTheExitStatuses() throws {
        let help = MuxctlCommand.helpMessage()
        for verb in ["status", "sessions", "devices", "revoke", "pause", "resume", "reassign", "approve", "deny",
                     "unfreeze", "monitor", "audit", "doctor", "agent"] {
            #expect(help.contains("  \(verb) "), "\(verb) missing from --help")
        }
        #expect(help.contains("EXIT STATUS:"))
        #expect(help.contains("4  queue timeout"))
        do {
            _ = try parse(["--help"])
        } catch {
            let (status, message, toStdout) = MuxctlCommand.report(error)
            #expect(status == 0 && toStdout && message?.contains("USAGE: muxctl") == true)
        }
    }

    @Test func daemonRefusalsKeepTheirStatus() {
        let (status, message, _) = MuxctlCommand.report(CLIError.daemon(code: "queue_timeout", message: "still queued"))
        #expect(status == 4)
        #expect(message == "muxctl: still queued")
    }
}
