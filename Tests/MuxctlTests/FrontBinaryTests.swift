import Foundation
import Glibc
import InputMuxRelay
import InputMuxSystem
import Synchronization
import Testing

/// The `muxctl` front as scripts run it: the real binaries this build produced. A held
/// gesture goes to the lease holder and nowhere else; every other line runs
/// muxctl-commands in the same process, which does not ask the holder a second time.
@Suite(.serialized) struct FrontBinaryTests {
    /// The front, beside the test bundle (`swift build --build-tests` builds it).
    static func front() throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [me, me.deletingLastPathComponent()] {
            let path = dir.appendingPathComponent("muxctl").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw FrontTestFailure("muxctl is not built beside the tests (\(me.path)); run `swift build --build-tests` first")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `binary` with `arguments` to its end, with `environment` added to the test's.
    func run(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        env[CommandsBinary.frontVariable] = nil
        for (k, v) in environment { env[k] = v }
        // A copy of the front made by this test can still be open for writing in a child
        // that another test's thread forked meanwhile, until that child execs: the kernel
        // then refuses to run it (ETXTBSY). That passes within moments; try again.
        var attempts = 0
        while true {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = arguments
            p.environment = env
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            do {
                try p.run()
            } catch let error as NSError where Self.isTextFileBusy(error) && attempts < 50 {
                attempts += 1
                usleep(20_000)
                continue
            }
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        }
    }

    /// Copies an executable through a descriptor opened close-on-exec, so no program
    /// another test starts meanwhile keeps the copy open for writing (which would make
    /// running it fail with ETXTBSY for as long as that program runs).
    static func copyExecutable(_ source: String, to destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw FrontTestFailure("cannot create \(destination): errno \(errno)") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw FrontTestFailure("short write to \(destination): \(written) of \(data.count) bytes") }
    }

    static func isTextFileBusy(_ error: NSError) -> Bool {
        let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError
        return [error, underlying].contains { $0?.domain == NSPOSIXErrorDomain && $0?.code == Int(ETXTBSY) }
    }

    @Test func helpAndUsageErrorsComeFromMuxctlCommands() throws {
        let help = try run(try Self.front(), ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("OVERVIEW: Operate inputmuxd"))
        #expect(help.stdout.contains("EXIT STATUS:"))
        let bad = try run(try Self.front(), ["no-such-verb"])
        #expect(bad.status == ExitStatus.badInput.rawValue)
        #expect(bad.stderr.contains("Usage: muxctl"))
        #expect(!bad.stderr.contains("Fatal error"))
    }

    @Test func aHeldGestureGoesToTheHolderOnly() throws {
        let holder = try FakeHolder(name: "bot", answer: "error outside_region (5,6) is outside the lease's region")
        defer { holder.stop() }
        let r = try run(try Self.front(), ["agent", "--name", "bot", "click", "5", "6"], environment: holder.environment)
        #expect(r.status == ExitStatus.denied.rawValue)
        #expect(r.stderr == "muxctl: (5,6) is outside the lease's region\n")
        #expect(holder.requests == ["argv agent --name bot click 5 6"])

        holder.answer = "ok"
        let ok = try run(try Self.front(), ["agent", "--name", "bot", "click", "7", "8"], environment: holder.environment)
        #expect(ok.status == 0 && ok.stderr.isEmpty)
        #expect(holder.requests.last == "argv agent --name bot click 7 8")
    }

    @Test func aLineTheHolderLeavesRunsOnceInMuxctlCommands() throws {
        // A holder that leaves forwarded lines to the command's own process, as an older
        // holder does, and plays script lines.
        let holder = try FakeHolder(name: "bot", answer: "local")
        defer { holder.stop() }
        let r = try run(try Self.front(), ["agent", "--name", "bot", "click", "1", "2"], environment: holder.environment)
        #expect(r.status == 0, "\(r.stderr)")
        // The front forwarded the line once; muxctl-commands did not forward it again,
        // and sent the holder the gesture as a script line.
        let requests = holder.requests
        #expect(requests.filter { $0.hasPrefix("argv") } == ["argv agent --name bot click 1 2"])
        #expect(requests.count == 2 && requests.last?.hasPrefix("argv") == false, "\(requests)")
    }

    @Test func aFrontWithoutMuxctlCommandsSaysWhereItLooked() throws {
        let dir = try FakeHolder.temporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        let lonely = dir + "/muxctl"
        try Self.copyExecutable(try Self.front(), to: lonely)
        let r = try run(lonely, ["status"])
        #expect(r.status == ExitStatus.failure.rawValue)
        #expect(r.stderr.contains("muxctl-commands is missing: looked for \(dir)/muxctl-commands and \(dir)/../libexec/inputmux/muxctl-commands"))
    }

    @Test func whereTheFrontLooksForMuxctlCommands() {
        #expect(CommandsBinary.candidates(besideFront: "/usr/bin/muxctl")
            == ["/usr/bin/muxctl-commands", "/usr/bin/../libexec/inputmux/muxctl-commands"])
        #expect(CommandsBinary.candidates(besideFront: "muxctl") == ["./muxctl-commands", "./../libexec/inputmux/muxctl-commands"])
    }
}

struct FrontTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A lease holder's socket that records each request line, gives forwarded command
/// lines (`argv …`) one set answer and script lines `ok`, served by a thread of its own
/// (the front blocks on it).
final class FakeHolder: Sendable {
    let dir: String
    private let socket: UnixSocket
    private let state = Mutex<(requests: [String], answer: String, stopped: Bool)>(([], "", false))

    var requests: [String] { state.withLock { $0.requests } }
    var answer: String {
        get { state.withLock { $0.answer } }
        set { state.withLock { $0.answer = newValue } }
    }
    /// The front finds the holder under `$XDG_RUNTIME_DIR/inputmux-muxctl`.
    var environment: [String: String] { ["XDG_RUNTIME_DIR": dir] }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/inputmux-front-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw FrontTestFailure("mkdtemp failed: errno \(errno)") }
        return String(cString: p)
    }

    init(name: String, answer: String) throws {
        dir = try Self.temporaryDirectory()
        let relay = AgentRelay.directory(uid: geteuid(), environment: ["XDG_RUNTIME_DIR": dir])
        try AgentRelay.prepare(directory: relay)
        do { socket = try UnixSocket.listen(at: AgentRelay.socketPath(directory: relay, name: name)) } catch {
            throw FrontTestFailure("cannot listen: \(error)")
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
