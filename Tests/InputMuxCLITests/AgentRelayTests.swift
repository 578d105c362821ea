import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import Testing

@Suite struct AgentRelayTests {
    @Test func repliesReadBack() throws {
        for r: AgentRelay.Reply in [.ok(nil), .ok(#"{"a":1}"#), .error(code: "outside_region", message: "click at 5,5 is outside L3")] {
            #expect(AgentRelay.Reply(line: r.line) == r)
        }
        #expect(AgentRelay.Reply.error(code: "x", message: "two\nlines").line == "error x two lines")
        #expect(AgentRelay.Reply(line: "garbage") == .error(code: "protocol_violation", message: "the lease holder answered \"garbage\""))
    }

    @Test func errorRepliesKeepTheirExitStatus() {
        #expect(throws: CLIError.daemon(code: "revoked", message: "gone")) { try AgentRelay.Reply.error(code: "revoked", message: "gone").get() }
        for status in ExitStatus.allCases where status != .success {
            #expect(ExitStatus.forReason(status.code) == status, "\(status)")
        }
    }

    @Test func socketNamesNeverLeaveTheDirectory() {
        #expect(AgentRelay.socketPath(directory: "/d", name: "claude-1") == "/d/claude-1.sock")
        #expect(AgentRelay.socketPath(directory: "/d", name: "../x") == "/d/%2E.%2Fx.sock")
        #expect(AgentRelay.socketPath(directory: "/d", name: "a b/c") == "/d/a%20b%2Fc.sock")
        #expect(AgentRelay.directory(uid: 7, environment: [:]) == "/tmp/inputmux-muxctl-7")
        #expect(AgentRelay.directory(uid: 7, environment: ["XDG_RUNTIME_DIR": "/run/user/7"]) == "/run/user/7/inputmux-muxctl")
    }

    @Test func aHolderAnswersInOrderAndStopsOnRelease() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try AgentRelay.prepare(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = AgentRelay.socketPath(directory: dir, name: "t")
        let server = try AgentRelayServer(path: path)
        let serving = Task {
            await server.serve { line in
                switch line {
                case "release": .init(.ok(nil), stop: true)
                case "click 1 2": .init(.ok(nil))
                default: .init(.error(code: "outside_region", message: "not there: \(line)"))
                }
            }
        }
        #expect(await offPool { AgentRelay.holderListens(at: path) })
        #expect(await offPool { try? AgentRelay.send("click 1 2", to: path) } == .ok(nil))
        let refused = try #require(await offPool { try? AgentRelay.send("move 9 9", to: path) })
        #expect(throws: CLIError.daemon(code: "outside_region", message: "not there: move 9 9")) { try refused.get() }
        #expect(await offPool { try? AgentRelay.send("release", to: path) } == .ok(nil))
        await serving.value
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!AgentRelay.holderListens(at: path))
    }

    @Test func commandLinesSurviveTheRequestLine() {
        let cases: [[String]] = [
            [], [""], ["agent", "--name", "bot", "click", "10", "20"], ["type", "two words", " lead", "trail ", ""],
            ["100%", "%41", "tab\there", "new\nline", "é ü ✓", "del\u{7F}", "--name=x y"],
        ]
        for arguments in cases {
            let line = AgentRelay.argumentsLine(arguments)
            #expect(!line.contains("\n"), "\(arguments)")
            #expect(AgentRelay.arguments(fromLine: line) == arguments, "\(line)")
        }
        #expect(AgentRelay.arguments(fromLine: "click 1 2") == nil)
        #expect(AgentRelay.arguments(fromLine: "argvx") == nil)
        #expect(AgentRelay.Reply(line: AgentRelay.Reply.local.line) == .local)
        #expect(throws: CLIError.self) { try AgentRelay.Reply.local.get() }
    }

    @Test func theAgentNameIsOnlyAHint() {
        #expect(AgentRelay.agentNameHint(in: ["agent", "--name", "bot", "click", "1", "2"]) == "bot")
        #expect(AgentRelay.agentNameHint(in: ["agent", "click", "1", "2", "--name=b c"]) == "b c")
        #expect(AgentRelay.agentNameHint(in: ["agent", "--name", "a", "--name", "b", "move", "1", "1"]) == "b")
        #expect(AgentRelay.agentNameHint(in: ["agent", "type", "--", "--name", "x"]) == nil)
        #expect(AgentRelay.agentNameHint(in: ["agent", "click", "--name"]) == nil)
        #expect(AgentRelay.agentNameHint(in: ["status", "--name", "bot"]) == nil)
        #expect(AgentRelay.agentNameHint(in: []) == nil)
    }

    @Test func aForwardedCommandLineReachesItsHolder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try AgentRelay.prepare(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Blocking calls, as muxctl makes them: off the cooperative pool the holder's handler needs.
        func forward(_ arguments: [String]) async -> AgentRelay.Reply? { await offPool { try? AgentRelay.forwardToHolder(arguments, directory: dir) } }
        let click = ["agent", "--name", "fwd", "click", "1", "2"]
        // No holder: nothing is forwarded, the command runs in its own process.
        #expect(await forward(click) == nil)
        let server = try AgentRelayServer(path: AgentRelay.socketPath(directory: dir, name: "fwd"))
        let serving = Task {
            await server.serve { line in
                switch AgentRelay.arguments(fromLine: line) {
                case ["agent", "--name", "fwd", "click", "1", "2"]: .init(.ok(nil))
                case ["agent", "--name", "fwd", "click", "5000", "2"]: .init(.error(code: "outside_region", message: "outside"))
                case .some: .init(.local)
                case nil: .init(.ok(nil), stop: true)
                }
            }
        }
        #expect(await forward(click) == .ok(nil))
        #expect(await forward(["agent", "--name", "fwd", "click", "5000", "2"]) == .error(code: "outside_region", message: "outside"))
        // The holder leaves what it does not play to the command's own process.
        #expect(await forward(["agent", "--name", "fwd", "lease", "status"]) == nil)
        // Another agent's holder is never asked.
        #expect(await forward(["agent", "--name", "other", "click", "1", "2"]) == nil)
        #expect(await offPool { try? AgentRelay.send("release", to: AgentRelay.socketPath(directory: dir, name: "fwd")) } == .ok(nil))
        await serving.value
        // A holder that is gone (its socket left behind) is no holder: nothing is forwarded.
        #expect(await forward(click) == nil)
    }

    @Test func aHolderOfAnOlderMuxctlGetsScriptLinesInstead() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try AgentRelay.prepare(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = AgentRelay.socketPath(directory: dir, name: "old")
        let server = try AgentRelayServer(path: path)
        // An older holder reads every request as a script line.
        let serving = Task {
            await server.serve { line in
                if line == "release" { return .init(.ok(nil), stop: true) }
                do throws(CLIError) {
                    _ = try GestureScript.parse(line: line)
                    return .init(.ok(nil))
                } catch {
                    return .init(.error(code: error.relayCode, message: error.message))
                }
            }
        }
        let forwarded = await offPool { try? AgentRelay.forwardToHolder(["agent", "--name", "old", "click", "1", "2"], directory: dir) }
        #expect(forwarded == nil)
        #expect(await offPool { try? AgentRelay.send("click 1 2", to: path) } == .ok(nil))
        #expect(await offPool { try? AgentRelay.send("release", to: path) } == .ok(nil))
        await serving.value
        // A daemon's refusal that merely says bad input still counts as the answer.
        #expect(!AgentRelay.Reply.error(code: "bad_input", message: "unknown key \"argv\"").isUnknownRequest)
    }

    @Test func anUnsafeDirectoryIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: CLIError.self) { try AgentRelay.prepare(directory: dir) }
    }
}

@Suite struct AgentActionTests {
    @Test(arguments: [
        "move 1 2", "click", "click 5 6 button=right count=2 modifiers=ctrl+shift", "down 1 2 button=middle", "up",
        "drag 1 2 3 4 5 6 modifiers=alt", "scroll 5 5 dx=-2 dy=3 unit=pixels", "scroll dy=1", "key ctrl+s repeat=2",
        "keydown shift", "keyup shift", "hold ctrl+alt 300", "type a\\\\b\\nc\\td  e", "wait 10",
    ])
    func scriptLinesReadBackToTheSameAction(_ line: String) throws {
        let action = try #require(try GestureScript.parse(line: line))
        #expect(try GestureScript.parse(line: action.scriptLine) == action)
    }

    @Test func keysNeedTheKeyboardLease() throws {
        #expect(AgentAction.type("x").needsKeyboard)
        #expect(AgentAction.key("ctrl+s", repeat: 1).needsKeyboard)
        #expect(AgentAction.click(at: nil, button: .left, count: 1, modifiers: ["ctrl"]).needsKeyboard)
        #expect(!AgentAction.click(at: nil, button: .left, count: 1, modifiers: []).needsKeyboard)
        #expect(!AgentAction.move(Point(x: 1, y: 1)).needsKeyboard)
    }

    @Test func gesturesAreTheClientLibrarys() {
        #expect(AgentAction.click(at: Point(x: 1, y: 2), button: .right, count: 2, modifiers: ["ctrl", "shift"]).gesture
            == .click(at: Point(x: 1, y: 2), button: .right, count: 2, modifiers: "ctrl+shift"))
        #expect(AgentAction.key("Return", repeat: 3).gesture == .keys("Return", repeat: 3))
        #expect(AgentAction.scroll(at: nil, dx: 0, dy: -4, unit: .pixels).gesture == .scroll(at: nil, dx: 0, dy: -4, unit: .pixels))
    }
}

/// Runs blocking socket calls on a thread of their own, as a muxctl process makes them,
/// so they never hold one of the cooperative threads the holder's async handler needs
/// (tests run in parallel on a pool as small as the machine).
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { done in Thread { done.resume(returning: work()) }.start() }
}
