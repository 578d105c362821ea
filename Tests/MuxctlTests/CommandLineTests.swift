import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
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

    @Test func aLeaseHolderPlaysOnlyItsOwnAgentsGestureVerbs() {
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "click", "10", "20", "--button", "right"], agentName: "bot")
            == [.click(at: Point(x: 10, y: 20), button: .right, count: 1, modifiers: [])])
        #expect(MuxctlCommand.forwarded(["agent", "key", "ctrl+s", "Return", "--name", "bot"], agentName: "bot")
            == [.key("ctrl+s", repeat: 1), .key("Return", repeat: 1)])
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "type", "hello", "world"], agentName: "bot") == [.type("hello world")])
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "drag", "1", "2", "3", "4"], agentName: "bot")
            == [.drag(path: [Point(x: 1, y: 2), Point(x: 3, y: 4)], button: .left, modifiers: [])])
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "move", "5", "6"], agentName: "bot") == [.move(Point(x: 5, y: 6))])
        #expect(MuxctlCommand.forwarded(["agent", "--name", "bot", "scroll", "--dy", "3"], agentName: "bot")
            == [.scroll(at: nil, dx: 0, dy: 3, unit: .notches)])
        // Left to the command's own process, which reports or runs it as usual.
        for args in [["agent", "--name", "other", "click", "1", "2"], ["agent", "--name", "bot", "lease", "status"],
                     ["agent", "--name", "bot", "run"], ["agent", "--name", "bot", "click", "--help"],
                     ["agent", "--name", "bot", "click", "1"], ["agent", "--name", "bot", "click", "--button", "nose"],
                     ["agent", "--name", "bot", "frobnicate"], ["status"]] {
            #expect(MuxctlCommand.forwarded(args, agentName: "bot") == nil, "\(args)")
        }
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
            var help = try parse(["--help"])
            try help.run()
            Issue.record("--help ran")
        } catch {
            let (status, message, toStdout) = MuxctlCommand.report(error)
            #expect(status == 0 && toStdout && message?.contains("USAGE: muxctl") == true)
        }
    }

    @Test func verbHelpWithoutAName() throws {
        for (args, overview) in [(["agent", "click", "--help"], "OVERVIEW: Click at X Y"),
                                 (["agent", "lease", "acquire", "--help"], "OVERVIEW: Acquire a lease")] {
            do {
                // A help request parses to ArgumentParser's help command, which throws.
                var help = try parse(args)
                try help.run()
                Issue.record("\(args) ran")
            } catch {
                let (status, message, _) = MuxctlCommand.report(error)
                #expect(status == 0)
                #expect(message?.hasPrefix(overview) == true, "\(message ?? "")")
            }
        }
    }

    @Test func daemonRefusalsKeepTheirStatus() {
        let (status, message, _) = MuxctlCommand.report(CLIError.daemon(code: "queue_timeout", message: "still queued"))
        #expect(status == 4)
        #expect(message == "muxctl: still queued")
    }
}
