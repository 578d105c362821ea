import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

/// An event node opened to read back what was injected, as a compositor would.
final class EventNode {
    let path: String
    let fd: Int32

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    /// Reads until an event matching `match` arrives; returns when it was read (nil on
    /// timeout). Events before it are consumed.
    func waitFor(timeout: Duration, _ match: (input_event) -> Bool) -> Instant? {
        let start = MonotonicClock.now()
        var buf = [input_event](repeating: input_event(), count: 64)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let now = MonotonicClock.now()
                if buf[0..<(n / MemoryLayout<input_event>.size)].contains(where: match) { return now }
                continue
            }
            let left = timeout - (MonotonicClock.now() - start)
            if left <= .zero { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, Int32(clamping: max(1, left.nanosecondCount / 1_000_000)))
        }
    }

    /// Drops whatever is queued.
    func drain() {
        var buf = [input_event](repeating: input_event(), count: 64)
        while buf.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    static func isButtonPress(_ e: input_event) -> Bool {
        e.type == UInt16(EV_KEY) && e.value == 1 && e.code >= UInt16(BTN_MISC) && e.code < UInt16(KEY_OK)
    }

    static func isKeyPress(_ e: input_event) -> Bool { e.type == UInt16(EV_KEY) && e.value == 1 }

    /// Modifier keys: typing one is not a character.
    static let modifiers: Set<UInt16> = [KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_LEFTCTRL, KEY_RIGHTCTRL,
                                         KEY_LEFTALT, KEY_RIGHTALT, KEY_LEFTMETA, KEY_RIGHTMETA].map { UInt16($0) }.reduce(into: []) { $0.insert($1) }
}
