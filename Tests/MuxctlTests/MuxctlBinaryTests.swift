import Foundation
import Glibc
import InputMuxRelay
import InputMuxSystem
import Synchronization
import Testing

/// `muxctl` as scripts run it: the real binary this build produced. A held gesture goes
/// to the lease holder and nowhere else; any other line runs in the muxctl process, which
/// asks the holder once.
@Suite(.serialized) struct MuxctlBinaryTests {
    /// muxctl, beside the test bundle (`swift build --build-tests` builds it).
    static func muxctl() throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [me, me.deletingLastPathComponent()] {
            let path = dir.appendingPathComponent("muxctl").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw MuxctlTestFailure("muxctl is not built beside the tests (\(me.path)); run `swift build --build-tests` first")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs muxctl with `arguments` to its end, with `environment` added to the test's.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.muxctl())
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func helpAndUsageErrors() throws {
        let help = try run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("OVERVIEW: Operate inputmuxd"))
        #expect(help.stdout.contains("EXIT STATUS:"))
        let bad = try run(["no-such-verb"])
        #expect(bad.status == ExitStatus.badInput.rawValue)
        #expect(bad.stderr.contains("Usage: muxctl"))
        #expect(!bad.stderr.contains("Fatal error"))
    }

    @Test func theMCPServerIsNotAMuxctlVerb() throws {
        // It is `inputmux-mcp` (docs/MCP.md): muxctl links no MCP SDK.
        let r = try run(["mcp", "--name", "a"])
        #expect(r.status == ExitStatus.badInput.rawValue)
        #expect(!r.stdout.contains("jsonrpc"))
        #expect(!(try run(["--help"])).stdout.contains("mcp"))
    }

    @Test func aHeldGestureGoesToTheHolderOnly() throws {
        let holder = try FakeHolder(name: "bot", answer: "error outside_region (5,6) is outside the lease's region")
        defer { holder.stop() }
        let r = try run(["agent", "--name", "bot", "click", "5", "6"], environment: holder.environment)
        #expect(r.status == ExitStatus.denied.rawValue)
        #expect(r.stderr == "muxctl: (5,6) is outside the lease's region\n")
        #expect(holder.requests == ["argv agent --name bot click 5 6"])

        holder.answer = "ok"
        let ok = try run(["agent", "--name", "bot", "click", "7", "8"], environment: holder.environment)
        #expect(ok.status == 0 && ok.stderr.isEmpty)
        #expect(holder.requests.last == "argv agent --name bot click 7 8")
    }

    @Test func aLineTheHolderLeavesIsForwardedOnceThenPlayedAsAScriptLine() throws {
        // A holder that leaves forwarded lines to the command's own process, as an older
        // holder does, and plays script lines.
        let holder = try FakeHolder(name: "bot", answer: "local")
        defer { holder.stop() }
        let r = try run(["agent", "--name", "bot", "click", "1", "2"], environment: holder.environment)
        #expect(r.status == 0, "\(r.stderr)")
        // muxctl forwarded the line once, then parsed it itself and sent the holder the
        // gesture as a script line.
        let requests = holder.requests
        #expect(requests.filter { $0.hasPrefix("argv") } == ["argv agent --name bot click 1 2"])
        #expect(requests.count == 2 && requests.last?.hasPrefix("argv") == false, "\(requests)")
    }
}

struct MuxctlTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A lease holder's socket that records each request line, gives forwarded command
/// lines (`argv …`) one set answer and script lines `ok`, served by a thread of its own
/// (muxctl blocks on it).
final class FakeHolder: Sendable {
    let dir: String
    private let socket: UnixSocket
    private let state = Mutex<(requests: [String], answer: String, stopped: Bool)>(([], "", false))

    var requests: [String] { state.withLock { $0.requests } }
    var answer: String {
        get { state.withLock { $0.answer } }
        set { state.withLock { $0.answer = newValue } }
    }
    /// muxctl finds the holder under `$XDG_RUNTIME_DIR/inputmux-muxctl`.
    var environment: [String: String] { ["XDG_RUNTIME_DIR": dir] }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/inputmux-holder-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw MuxctlTestFailure("mkdtemp failed: errno \(errno)") }
        return String(cString: p)
    }

    init(name: String, answer: String) throws {
        dir = try Self.temporaryDirectory()
        let relay = AgentRelay.directory(uid: geteuid(), environment: ["XDG_RUNTIME_DIR": dir])
        try AgentRelay.prepare(directory: relay)
        do { socket = try UnixSocket.listen(at: AgentRelay.socketPath(directory: relay, name: name)) } catch {
            throw MuxctlTestFailure("cannot listen: \(error)")
        }
        state.withLock { $0.answer = answer }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    private func serve() {
        while let c = try? socket.accept() {
            if state.withLock({ $0.stopped }) { c.close(); return }
            var reader = LineReader(maximumLine: AgentRelay.maximumLine)
            if let bytes = try? reader.readLine(from: c.descriptor) {
                let line = String(decoding: bytes, as: UTF8.self)
                let answer = state.withLock { s -> String in
                    s.requests.append(line)
                    return line.hasPrefix("argv") ? s.answer : "ok"
                }
                try? c.send(Array((answer + "\n").utf8))
            }
            c.close()
        }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        socket.shutdown()
        socket.close()
        _ = try? FileManager.default.removeItem(atPath: dir)
    }
}
