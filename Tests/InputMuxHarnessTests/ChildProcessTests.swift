import Glibc
import InputMuxHarness
import SystemPackage
import Testing

@Suite struct ChildProcessTests {
    @Test func runReturnsTheExitStatusAndEveryLineOfOutputAndErrors() throws {
        let (termination, lines) = try ChildProcess.run("/bin/sh", ["-c", "echo one; echo two >&2; exit 3"])
        #expect(termination == .exited(3))
        #expect(termination.code == 3)
        #expect(Set(lines) == ["one", "two"])
    }

    @Test func theEnvironmentIsLaidOverOursAndTheWorkingDirectoryIsUsed() throws {
        let (termination, lines) = try ChildProcess.run("/bin/sh", ["-c", "echo \"$IMX_TEST:$PATH\"; pwd"],
                                                        environment: ["IMX_TEST": "yes"], timeout: .seconds(20))
        #expect(termination.isSuccess)
        #expect(lines.first?.hasPrefix("yes:") == true && lines.first != "yes:")
        let child = try ChildProcess("/bin/pwd", workingDirectory: "/usr")
        #expect(child.waitForLine(timeout: .seconds(10)) { _ in true } == "/usr")
    }

    @Test func stopEndsAChildWithSIGTERMAndKillWithSIGKILL() throws {
        let sleeper = try ChildProcess("/bin/sleep", ["60"])
        #expect(sleeper.wait(timeout: .milliseconds(100)) == nil)
        #expect(sleeper.isRunning)
        #expect(sleeper.stop(grace: .seconds(10)) == .signaled(SIGTERM))
        #expect(!sleeper.isRunning)
        let stubborn = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; echo ready; sleep 60"])
        #expect(stubborn.waitForLine(timeout: .seconds(10)) { $0 == "ready" } != nil)
        #expect(stubborn.stop(grace: .milliseconds(200)) == .signaled(SIGKILL))
    }

    @Test func inputGoesThroughAPipeOrAGivenDescriptor() throws {
        let cat = try ChildProcess("/bin/cat", input: .pipe)
        cat.write("hello\n")
        #expect(cat.waitForLine(timeout: .seconds(10)) { _ in true } == "hello")
        cat.closeInput()
        #expect(cat.wait(timeout: .seconds(10)) == .exited(0))

        let (read, write) = try FileDescriptor.pipe()
        defer { try? read.close() }
        try write.writeAll(Array("given\n".utf8))
        try write.close()
        let head = try ChildProcess("/usr/bin/head", ["-n1"], input: .descriptor(read))
        #expect(head.waitForLine(timeout: .seconds(10)) { _ in true } == "given")
    }

    @Test func aMissingProgramIsAFailureThatNamesIt() {
        #expect(throws: HarnessError.self) { try ChildProcess("/nonexistent/program") }
        do { _ = try ChildProcess("/nonexistent/program") } catch { #expect(error.description.contains("/nonexistent/program")) }
    }

    @Test func outputToAFileIsAppendedAndWaitingForReadinessSeesIt() throws {
        let dir = try HarnessFiles.temporaryDirectory("imx-harness-test")
        let log = dir + "/log"
        try HarnessFiles.write(log, "earlier\n")
        let child = try ChildProcess("/bin/sh", ["-c", "sleep 0.2; echo ready; sleep 60"], output: .file(log))
        try child.waitUntil("it says ready", timeout: .seconds(10)) { HarnessFiles.text(log).contains("ready") }
        #expect(HarnessFiles.text(log) == "earlier\nready\n")
        child.kill()
        let quitter = try ChildProcess("/bin/sh", ["-c", "exit 7"])
        #expect(throws: HarnessError.self) {
            try quitter.waitUntil("it never is", timeout: .seconds(10)) { false }
        }
    }
}
