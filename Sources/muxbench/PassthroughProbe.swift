import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxSystem
import SystemPackage
import InputMuxLinux

/// Measures the latency of frames from a write on the "physical" uinput device to their
/// arrival on some event node, one frame in flight at a time.
///
/// A separate reader process blocks on the target node, as a compositor would, and
/// reports the arrival time of each frame (CLOCK_MONOTONIC is system-wide, so the writer's
/// and the reader's stamps compare). Frames carry their index in `MSC_SCAN`.
enum PassthroughProbe {
    /// One benchmark frame: its index as a scan code, and a one-pixel motion that
    /// alternates direction so the kernel never filters it.
    static func frame(_ index: Int) -> [input_event] {
        var scan = input_event(); scan.type = UInt16(EV_MSC); scan.code = UInt16(MSC_SCAN); scan.value = Int32(truncatingIfNeeded: index)
        var move = input_event(); move.type = UInt16(EV_REL); move.code = UInt16(REL_X); move.value = index % 2 == 0 ? 1 : -1
        var syn = input_event(); syn.type = UInt16(EV_SYN); syn.code = UInt16(SYN_REPORT)
        return [scan, move, syn]
    }

    /// The stand-in for the human's mouse.
    static func physicalSpec(_ path: String) -> UinputSpec {
        var spec = UinputSpec(name: "muxbench physical mouse (\(path))",
                              identity: DeviceIdentity(bustype: UInt16(BUS_USB), vendor: 0x046d, product: 0xc077, version: 0x0111),
                              phys: "usb-muxbench-\(path)/input0")
        spec.keys = [MouseButton.left.code, MouseButton.right.code]
        spec.relative = [REL.x, REL.y]
        spec.misc = [MSC.scan]
        return spec
    }

    /// Writes `count` frames to `physical` and returns the latency of each (nanoseconds) as
    /// seen on `targetNode`.
    static func measure(physical: UinputDevice, targetNode: String, count: Int) throws -> [Int64] {
        try measureArrivals(physical: physical, targetNode: targetNode, count: count).map(\.read)
    }

    /// One frame's latency two ways, in nanoseconds from the write on the physical device:
    /// until it was readable on the target node, by the timestamp evdev gives the node's
    /// events as it queues the frame for readers and wakes them (CLOCK_MONOTONIC, through
    /// EVIOCSCLOCKID, at the kernel's microsecond resolution), and until the reader process
    /// read it. The difference is the reader's own wake-up: its scheduling, not the path.
    struct Arrival {
        var readable: Int64
        var read: Int64
    }

    /// `EVIOCSCLOCKID`: _IOW('E', 0xa0, int).
    static let setClockID = UInt(0x4004_45a0)

    static func measureArrivals(physical: UinputDevice, targetNode: String, count: Int) throws -> [Arrival] {
        let reader = open(targetNode, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0 else { throw BenchError("cannot open \(targetNode): errno \(errno)") }
        var clock = CLOCK_MONOTONIC
        guard inputmux_ioctl_ptr(reader, setClockID, &clock) == 0 else {
            close(reader)
            throw BenchError("EVIOCSCLOCKID on \(targetNode): errno \(errno)")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw BenchError("pipe: errno \(errno)") }
        let child = fork()
        if child == 0 {
            close(fds[0])
            readerLoop(fd: reader, report: fds[1], count: count)
            _exit(0)
        }
        close(reader)
        close(fds[1])
        defer {
            close(fds[0])
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        var latencies: [Arrival] = []
        latencies.reserveCapacity(count)
        for i in 0..<count {
            var events = frame(i)
            let t0 = MonotonicClock.now().nanoseconds
            let written = events.withUnsafeMutableBytes { Glibc.write(physical.fd.rawValue, $0.baseAddress, $0.count) }
            guard written == 3 * MemoryLayout<input_event>.size else { throw BenchError("write to the physical device failed: errno \(errno)") }
            var report = (Int64(0), Int64(0), Int64(0))
            guard readExactly(fds[0], &report, timeoutMs: 3000) else {
                throw BenchError("frame \(i) never arrived on \(targetNode) (3 s)")
            }
            guard report.0 == Int64(i) else { throw BenchError("frame \(report.0) arrived while waiting for \(i) on \(targetNode)") }
            latencies.append(Arrival(readable: report.2 - t0, read: report.1 - t0))
        }
        return latencies
    }

    /// The reader process: blocks on the node, reports (index, read time, the frame's
    /// evdev timestamp) per frame.
    private static func readerLoop(fd: Int32, report: Int32, count: Int) {
        var buffer = [input_event](repeating: input_event(), count: 64)
        var index: Int64 = -1
        var received = 0
        while received < count {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 5000) <= 0 { return }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { continue }
            let now = MonotonicClock.now().nanoseconds
            for e in buffer[0..<(n / MemoryLayout<input_event>.size)] {
                if e.type == UInt16(EV_MSC) && e.code == UInt16(MSC_SCAN) { index = Int64(e.value) }
                if e.type == UInt16(EV_SYN) && e.code == UInt16(SYN_REPORT) && index >= 0 {
                    let stamped = Int64(e.time.tv_sec) * 1_000_000_000 + Int64(e.time.tv_usec) * 1000
                    var message = (index, now, stamped)
                    _ = withUnsafeBytes(of: &message) { Glibc.write(report, $0.baseAddress, $0.count) }
                    received += 1
                    index = -1
                }
            }
        }
    }

    /// Reads the bytes of a plain value (a tuple of integers), waiting at most `timeoutMs` per read.
    static func readExactly<T: BitwiseCopyable>(_ fd: Int32, _ value: inout T, timeoutMs: Int32) -> Bool {
        withUnsafeMutableBytes(of: &value) { raw in readExactly(fd, raw, timeoutMs: timeoutMs) }
    }

    /// Fills `raw` from `fd`.
    static func readExactly(_ fd: Int32, _ raw: UnsafeMutableRawBufferPointer, timeoutMs: Int32) -> Bool {
        let file = FileDescriptor(rawValue: fd)
        var got = 0
        while got < raw.count {
            guard file.waitReadable(timeout: .milliseconds(Int64(timeoutMs))),
                  let n = try? file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[got...])), n > 0 else { return false }
            got += n
        }
        return true
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Median and 99th percentile of a latency sample, in microseconds.
struct LatencySummary: Sendable {
    var p50: Double
    var p99: Double
    var samples: Int

    init(_ nanoseconds: [Int64]) {
        let sorted = nanoseconds.sorted()
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return Double(sorted[min(sorted.count - 1, Int(q * Double(sorted.count - 1)))]) / 1000
        }
        p50 = at(0.50)
        p99 = at(0.99)
        samples = sorted.count
    }
}
