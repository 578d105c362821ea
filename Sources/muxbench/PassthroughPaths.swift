import CInputMuxShim
import CMallocCounter
import Glibc
import InputMuxCore
import InputMuxHarness
import InputMuxSystem
import InputMuxLinux

/// The three paths the benchmark compares, each set up around one "physical" device.
enum PassthroughPaths {
    /// Runs InputMux's passthrough (grab → libevdev read → clone write) in a child process,
    /// as the daemon's input thread would. Returns the clone's node and a function that
    /// stops the child and returns (allocations inside `pump`, frames pumped).
    static func startInputMux(physicalNode: String) throws -> (cloneNode: String, stop: () -> (UInt64, UInt64)) {
        var toParent: [Int32] = [0, 0], stopPipe: [Int32] = [0, 0]
        guard pipe(&toParent) == 0, pipe(&stopPipe) == 0 else { throw BenchError("pipe: errno \(errno)") }
        let child = fork()
        if child == 0 {
            close(toParent[0]); close(stopPipe[1])
            pumpLoop(physicalNode: physicalNode, report: toParent[1], stop: stopPipe[0])
            _exit(0)
        }
        close(toParent[1]); close(stopPipe[0])
        var nodeBytes = [UInt8](repeating: 0, count: 64)
        let gotNode = nodeBytes.withUnsafeMutableBytes { PassthroughProbe.readExactly(toParent[0], $0, timeoutMs: 10_000) }
        guard gotNode else {
            kill(child, SIGKILL)
            throw BenchError("the passthrough child did not report its clone")
        }
        let node = String(decoding: nodeBytes.prefix { $0 != 0 }, as: UTF8.self)
        if node.hasPrefix("ERROR") { throw BenchError(node) }
        let stop: () -> (UInt64, UInt64) = {
            var one: UInt8 = 1
            _ = Glibc.write(stopPipe[1], &one, 1)
            var stats = (UInt64(0), UInt64(0))
            _ = PassthroughProbe.readExactly(toParent[0], &stats, timeoutMs: 5000)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            close(toParent[0]); close(stopPipe[1])
            return stats
        }
        return (node, stop)
    }

    /// The daemon's input loop reduced to one device: poll, pump, repeat. Counts the
    /// allocations made inside `pump` (the hot path) and the frames it forwarded.
    private static func pumpLoop(physicalNode: String, report: Int32, stop: Int32) {
        func send(_ text: String) {
            var bytes = [UInt8](repeating: 0, count: 64)
            for (i, b) in text.utf8.prefix(63).enumerated() { bytes[i] = b }
            _ = bytes.withUnsafeBytes { Glibc.write(report, $0.baseAddress, $0.count) }
        }
        let passthrough: Passthrough
        do {
            passthrough = try Passthrough(device: try PhysicalDevice(path: physicalNode))
        } catch {
            send("ERROR \(error)")
            return
        }
        send(passthrough.clone.devnode)
        var fds = [pollfd(fd: passthrough.device.fd.rawValue, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        var allocations: UInt64 = 0, frames: UInt64 = 0
        while true {
            guard (try? pollRetryingOnInterrupt(&fds, timeoutMilliseconds: -1)) != nil else { break }
            if fds[1].revents != 0 { break }
            let before = inputmux_allocation_count()
            let n = (try? passthrough.pump()) ?? 0
            allocations += inputmux_allocation_count() - before
            frames += UInt64(n)
        }
        var stats = (allocations, frames)
        _ = withUnsafeBytes(of: &stats) { Glibc.write(report, $0.baseAddress, $0.count) }
        passthrough.close()
    }

    /// Starts `intercept -g DEV | uinput -d DEV` (interception-tools) in its own process
    /// group and returns the node of the device `uinput` creates and a stop function.
    static func startInterception(physical: UinputDevice) throws -> (node: String, stop: () -> Void) {
        // Debian ships `intercept` as `interception` (the name clashed with another package).
        let candidates: [String] = ["/usr/bin/intercept", "/usr/bin/interception"]
        guard let intercept = candidates.first(where: { access($0, X_OK) == 0 }),
              access("/usr/bin/uinput", X_OK) == 0 else {
            throw BenchError("interception-tools is not installed (apt-get install interception-tools)")
        }
        let before = Set(eventNodes())
        let command = "exec \(intercept) -g \(physical.devnode) | /usr/bin/uinput -d \(physical.devnode)"
        let shell: ChildProcess
        do {
            shell = try ChildProcess("/bin/sh", ["-c", command], output: .inherited, error: .inherited, ownProcessGroup: true)
        } catch {
            throw BenchError("cannot start interception-tools: \(error)")
        }
        let stop: () -> Void = {
            shell.send(SIGTERM, toGroup: true)
            _ = shell.wait(timeout: .seconds(3600))
        }
        let start = MonotonicClock.now()
        while MonotonicClock.now() - start < .seconds(10) {
            for node in eventNodes() where !before.contains(node) && deviceName(node) == physical.spec.name {
                // uinput created its clone; intercept grabs before it prints, so the grab is in place.
                MonotonicClock.sleep(.milliseconds(200))
                return (node, stop)
            }
            MonotonicClock.sleep(.milliseconds(10))
        }
        stop()
        throw BenchError("interception-tools' uinput device did not appear within 10 s")
    }

    static func eventNodes() -> [String] {
        guard let d = opendir("/dev/input") else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasPrefix("event") { out.append("/dev/input/" + name) }
        }
        return out
    }

    static func deviceName(_ node: String) -> String? {
        let path = "/sys/class/input/\(node.dropFirst("/dev/input/".count))/device/name"
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 256)
        guard fgets(&buf, 256, f) != nil else { return nil }
        var s = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
