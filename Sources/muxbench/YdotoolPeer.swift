import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxSystem
import InputMuxCore
import InputMuxLinux
import Synchronization

/// ydotool as Debian bookworm ships it (0.1.8, package `ydotool`): there is no `ydotoold`
/// in the package, so each `ydotool` process creates its own uinput device
/// ("ydotool virtual device"), waits its `--delay` (100 ms by default) and then acts. We
/// run it exactly like that and read its device back.
enum YdotoolPeer {
    static let binary = "/usr/bin/ydotool"
    static let deviceName = "ydotool virtual device"
    static var available: Bool { access(binary, X_OK) == 0 }

    /// Runs `ydotool click 1` `perWorker` times on each of `workers` threads at once.
    /// Returns each click's latency (process start → button press readable on its
    /// device) and the wall time. With several workers the presses are paired with the
    /// starts in order (the devices carry no owner), which keeps the distribution.
    static func clicks(workers: Int, perWorker: Int) throws -> (latencies: [Int64], wall: Int64, missing: Int) {
        let observer = try DeviceObserver()
        let starts = Mutex<[Int64]>([])
        let begin = MonotonicClock.now()
        runConcurrently(workers) { _ in
            for _ in 0..<perWorker {
                let t0 = MonotonicClock.now().nanoseconds
                guard let child = try? ChildProcess(binary, ["click", "1"], output: .discarded) else { continue }
                starts.withLock { $0.append(t0) }
                _ = child.wait(timeout: .seconds(60))
            }
        }
        let wall = (MonotonicClock.now() - begin).nanosecondCount
        let devices = observer.finish()
        let presses = devices.compactMap { $0.firstButtonPress }.sorted()
        let s = starts.withLock { $0 }.sorted()
        let latencies = zip(s, presses).map { $1 - $0 }
        return (latencies, wall, s.count - presses.count)
    }

    /// `ydotool type TEXT` with its defaults: time from start to the last key release
    /// readable, and the characters that read back (non-modifier presses).
    static func type(_ text: String) throws -> (total: Int64, characters: Int) {
        let observer = try DeviceObserver()
        let t0 = MonotonicClock.now().nanoseconds
        do { _ = try ChildProcess(binary, ["type", text], output: .discarded).wait(timeout: .seconds(120)) } catch {
            throw BenchError(error.description)
        }
        let devices = observer.finish()
        guard let d = devices.first, let last = d.lastKeyRelease else { return (0, 0) }
        return (last - t0, d.characterPresses)
    }
}

/// Runs `body(i)` for i in 0..<n on n threads and waits for all.
func runConcurrently(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
    var threads: [pthread_t] = []
    final class Box: @unchecked Sendable { let f: () -> Void; init(_ f: @escaping () -> Void) { self.f = f } }
    for i in 0..<n {
        let box = Unmanaged.passRetained(Box { body(i) }).toOpaque()
        var t = pthread_t()
        pthread_create(&t, nil, { raw in
            let b = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            b.f()
            return nil
        }, box)
        threads.append(t)
    }
    for t in threads { pthread_join(t, nil) }
}

/// Watches /dev/input (inotify) for ydotool's devices, opens each as it appears and
/// records when its events became readable, until `finish()`.
final class DeviceObserver: @unchecked Sendable {
    // @unchecked: the observing thread owns everything until `finish()` joins it.
    struct Record {
        var opened: Int64
        var firstButtonPress: Int64?
        var characterPresses = 0
        var lastKeyRelease: Int64?
    }

    private let inotify: Int32
    private var stopPipe: [Int32] = [0, 0]
    private var thread = pthread_t()
    private var records: [Record] = []

    init() throws {
        inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0, inotify_add_watch(inotify, "/dev/input", UInt32(IN_CREATE)) >= 0 else {
            throw BenchError("inotify on /dev/input: errno \(errno)")
        }
        guard pipe(&stopPipe) == 0 else { throw BenchError("pipe: errno \(errno)") }
        let me = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let o = Unmanaged<DeviceObserver>.fromOpaque(raw!).takeRetainedValue()
            o.observe()
            return nil
        }, me)
    }

    /// Stops observing (after a short grace for the last events) and returns a record
    /// per device seen, in the order they appeared.
    func finish() -> [Record] {
        MonotonicClock.sleep(.milliseconds(50))
        var one: UInt8 = 1
        _ = write(stopPipe[1], &one, 1)
        pthread_join(thread, nil)
        close(inotify); close(stopPipe[0]); close(stopPipe[1])
        return records
    }

    private func observe() {
        var open: [(fd: Int32, record: Int)] = []
        var inbuf = [UInt8](repeating: 0, count: 4096)
        var events = [input_event](repeating: input_event(), count: 64)
        defer { for d in open { close(d.fd) } }
        while true {
            var fds = [pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)]
            fds += open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            guard (try? pollRetryingOnInterrupt(&fds, timeoutMilliseconds: 1000)) != nil else { return }
            if fds[0].revents != 0 { return }
            if fds[1].revents != 0 {
                let n = read(inotify, &inbuf, inbuf.count)
                var offset = 0
                while n > 0 && offset < n {
                    let (length, name) = inbuf.withUnsafeBytes { raw -> (Int, String) in
                        let len = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                        let bytes = raw[(offset + 16)..<(offset + 16 + len)].prefix { $0 != 0 }
                        return (len, String(decoding: bytes, as: UTF8.self))
                    }
                    offset += 16 + length
                    guard name.hasPrefix("event"), PassthroughPaths.deviceName("/dev/input/" + name) == YdotoolPeer.deviceName else { continue }
                    let fd = Glibc.open("/dev/input/" + name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                    guard fd >= 0 else { continue }
                    records.append(Record(opened: MonotonicClock.now().nanoseconds))
                    open.append((fd, records.count - 1))
                }
            }
            var gone: [Int] = []
            for (i, pfd) in fds.dropFirst(2).enumerated() where pfd.revents != 0 {
                let d = open[i]
                while true {
                    let n = events.withUnsafeMutableBytes { read(d.fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == ENODEV { gone.append(i); break }
                    guard n > 0 else { break }
                    let now = MonotonicClock.now().nanoseconds
                    for e in events[0..<(n / MemoryLayout<input_event>.size)] where e.type == UInt16(EV_KEY) {
                        if e.value == 1 && EventNode.isButtonPress(e) && records[d.record].firstButtonPress == nil {
                            records[d.record].firstButtonPress = now
                        }
                        if e.value == 1 && !EventNode.isButtonPress(e) && !EventNode.modifiers.contains(e.code) {
                            records[d.record].characterPresses += 1
                        }
                        if e.value == 0 && !EventNode.isButtonPress(e) { records[d.record].lastKeyRelease = now }
                    }
                }
                if pfd.revents & Int16(POLLHUP | POLLERR) != 0 && !gone.contains(i) { gone.append(i) }
            }
            for i in gone.sorted(by: >) {
                close(open[i].fd)
                open.remove(at: i)
            }
        }
    }
}
