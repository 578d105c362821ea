import Glibc
import InputMuxHarness
import SystemPackage
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// inputmuxd's connections (issue 15, "Connections" and "Identity from /proc"): the hello
/// timeout, the cap on connections that have not said hello, running out of file
/// descriptors, and the peer's groups taken from the socket.
enum DaemonConnectionTests {
    /// A connection that says nothing is closed after `hello_timeout_ms`, with a sentence.
    static func helloTimeoutClosesASilentConnection() throws {
        var o = DaemonUnderTest.Options()
        o.extraTOML = """
            [limits]
            hello_timeout_ms = 500
            """
        let daemon = try DaemonUnderTest(o)
        let silent = try DaemonClient(daemon.agentSocket)
        let began = MonotonicClock.now()
        try expect(silent.waitClosed(timeout: .seconds(5)), "a connection that said no hello is still open after 5 s")
        let after = MonotonicClock.now() - began
        note("silent connection closed after \(after)")
        try expect(after >= .milliseconds(400), "closed after \(after), before the 500 ms hello timeout")
        try expect(silent.received.contains { ($0["error"]["message"].string ?? "").contains("no hello within 500 ms") },
                   "no sentence about the hello timeout: \(silent.received)")
        // A client that does say hello in time is unaffected.
        let agent = try AgentSession(daemon, name: "prompt")
        MonotonicClock.sleep(.milliseconds(800))
        _ = try agent.lease("0,0,100x100")
        try daemon.stop()
    }

    /// 300 connections that never say hello, four times over: a new agent still connects
    /// and says hello within two seconds each time.
    static func halfOpenConnectionsDoNotLockOutAgents() throws {
        let daemon = try DaemonUnderTest()
        var worst: Duration = .zero
        for round in 0..<4 {
            var held: [DaemonClient] = []
            for _ in 0..<300 { held.append(try DaemonClient(daemon.agentSocket)) }
            let began = MonotonicClock.now()
            let c = try DaemonClient(daemon.agentSocket)
            let connected = MonotonicClock.now() - began
            let hello = try c.request(["type": "hello", "protocol": 1, "name": .string("late-\(round)")], timeout: .seconds(10))
            let took = MonotonicClock.now() - began
            note("round \(round): connect() returned after \(connected)")
            worst = max(worst, took)
            try expect(hello["ok"] == true, "round \(round): the new agent's hello was refused: \(hello)")
            try expect(took < .seconds(2), "round \(round): the new agent's hello took \(took) with 300 silent connections held")
            let closed = held.filter { $0.waitClosed(timeout: .milliseconds(1)) }.count
            note("round \(round): hello in \(took); \(closed) of the 300 silent connections closed so far (cap 64)")
            c.send(["type": "bye"])
        }
        note("slowest hello with 300 silent connections: \(worst)")
        try daemon.stop()
    }

    /// With its descriptors nearly used up by connections, the daemon does not spin and
    /// still grabs a newly plugged mouse.
    static func outOfDescriptorsNeitherSpinsNorMissesDevices() throws {
        let daemon = try DaemonUnderTest()
        let open = try openDescriptors(of: daemon.pid).count
        let limit = open + 48
        let status = try run("/usr/bin/prlimit", ["--pid", "\(daemon.pid)", "--nofile=\(limit):\(limit)"])
        try expect(status == 0, "prlimit --pid \(daemon.pid) --nofile=\(limit) exited with \(status)")
        note("daemon had \(open) descriptors open; RLIMIT_NOFILE now \(limit)")
        var flood: [DaemonClient] = []
        for _ in 0..<100 { flood.append(try DaemonClient(daemon.agentSocket)) }
        MonotonicClock.sleep(.milliseconds(500))
        let hz = Int(sysconf(Int32(_SC_CLK_TCK)))
        guard let before = ProcessStat.cpuTicks(of: daemon.pid) else { throw TestFailure("cannot read the daemon's CPU time") }
        let window: Duration = .seconds(2)
        MonotonicClock.sleep(window)
        guard let after = ProcessStat.cpuTicks(of: daemon.pid) else { throw TestFailure("cannot read the daemon's CPU time") }
        let share = Double(after - before) / Double(hz) / 2.0
        note("daemon CPU with 100 connections against \(limit) descriptors: \(Int(share * 100)) % of one CPU")

        let mouse = try UinputDevice(HumanDevices.mouse("emfile"))
        let began = MonotonicClock.now()
        var grabbed = false
        while MonotonicClock.now() - began < .seconds(5) {
            if try openDescriptors(of: daemon.pid).contains(mouse.devnode) { grabbed = true; break }
            MonotonicClock.sleep(.milliseconds(50))
        }
        note("the mouse plugged in meanwhile was \(grabbed ? "" : "not ")opened by the daemon")
        try expect(share < 0.3 && grabbed, "while out of descriptors the daemon used \(Int(share * 100)) % of a CPU "
            + "(spinning if near 100) and \(grabbed ? "did" : "did not") open the mouse plugged in meanwhile: "
            + "\(daemon.log().suffix(600))")
        flood.removeAll()
        MonotonicClock.sleep(.milliseconds(300))
        _ = try daemon.clone(of: mouse.devnode)
        _ = try AgentSession(daemon, name: "after-flood")
        try daemon.stop()
    }

    /// A peer's supplementary groups come from the socket (SO_PEERGROUPS), as they were at
    /// connect(): here the connecting process has exited before the daemon accepts (it is
    /// stopped meanwhile), so `/proc/PID/status` has nothing to say.
    static func peerGroupsComeFromTheSocket() throws {
        let group: UInt32 = 4242
        var o = DaemonUnderTest.Options()
        o.agentGroup = "nogroup"
        o.extraTOML = """
            [[policy]]
            gid = \(group)
            names = ["grouped"]
            """
        let daemon = try DaemonUnderTest(o)
        kill(daemon.pid, SIGSTOP)
        defer { kill(daemon.pid, SIGCONT) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)   // handed to the helper as its stdin
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        let helper = try ChildProcess("/proc/self/exe", ["--helper-connect-fd", "0", "65534", "65534", "\(group)", daemon.agentSocket],
                                      input: .descriptor(FileDescriptor(rawValue: fd)), error: .standardOutput)
        let said = helper.waitForLine(timeout: .seconds(10)) { $0.hasPrefix("CONNECTED") || $0.hasPrefix("ERROR") }
        helper.kill()
        guard let said, said.hasPrefix("CONNECTED") else { close(fd); throw TestFailure("helper: \(helper.lines)") }
        let c = DaemonClient(connected: fd, path: daemon.agentSocket)
        let id = c.send(["type": "hello", "protocol": 1, "name": "grouped"])
        kill(daemon.pid, SIGCONT)
        let hello = try c.reply(to: id)
        try expect(hello["ok"] == true, "a peer in group \(group) at connect() was refused: \(hello)")
        try expectEqual(hello["result"]["identity"]["uid"].int64, 65534, "uid")
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let parts = release.split(separator: ".").prefix(2).compactMap { Int($0) }
        let hasPidfd = parts.count == 2 && (parts[0] > 6 || (parts[0] == 6 && parts[1] >= 5))
        let expected = hasPidfd ? #""exe_source":"pidfd""# : #""exe_source":"late""#
        // The audit writer works behind the engine: give it a moment.
        var connect: Substring?
        let began = MonotonicClock.now()
        while connect == nil && MonotonicClock.now() - began < .seconds(5) {
            let audit = readFileText(daemon.directory + "/audit.jsonl") ?? ""
            connect = audit.split(separator: "\n").first { $0.contains(#""action":"connect""#) && $0.contains(#""name":"grouped""#) }
            if connect == nil { MonotonicClock.sleep(.milliseconds(50)) }
        }
        try expect(connect?.contains(expected) == true, "kernel \(release): the connect record lacks \(expected): \(String(describing: connect))")
        try daemon.stop()
    }

    /// Runs `path` to its end; its exit status (128 + a signal).
    static func run(_ path: String, _ args: [String]) throws -> Int32 {
        try ChildProcess.run(path, args).termination.code
    }

    /// Paths of the descriptors `pid` has open.
    static func openDescriptors(of pid: pid_t) throws -> [String] {
        guard let dir = opendir("/proc/\(pid)/fd") else { throw TestFailure("cannot list /proc/\(pid)/fd: errno \(errno)") }
        defer { closedir(dir) }
        var paths: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            var buf = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/\(pid)/fd/\(name)", &buf, buf.count - 1)
            paths.append(n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?")
        }
        return paths
    }
}
