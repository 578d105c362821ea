import CInputMuxShim
import Glibc
import InputMuxCore
import InputMuxLinux

/// An independent reader of an event node: plain `open` + `read` of `struct input_event`,
/// no libevdev, so it checks our code against the kernel and not against itself.
final class EvdevReader {
    let path: String
    let fd: Int32
    private var partial: [EvdevEvent] = []
    /// Set once a read returned ENODEV (the device is gone).
    private(set) var gone = false

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw TestFailure("cannot open \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    /// Reads what is queued now, without waiting. Returns complete frames.
    func readAvailable() -> [Frame] {
        var frames: [Frame] = []
        var buf = [input_event](repeating: input_event(), count: 256)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == ENODEV { gone = true }
                return frames
            }
            if n == 0 { return frames }
            for e in buf[0..<(n / MemoryLayout<input_event>.size)] {
                if e.type == UInt16(EV_SYN) && e.code == UInt16(SYN_REPORT) {
                    frames.append(Frame(partial)); partial.removeAll()
                } else {
                    partial.append(EvdevEvent(type: e.type, code: e.code, value: e.value))
                }
            }
        }
    }

    /// Reads until `count` frames arrived or `timeout` passed.
    func readFrames(count: Int, timeout: Duration) -> [Frame] {
        let start = MonotonicClock.now()
        var frames = readAvailable()
        while frames.count < count && !gone {
            let left = timeout - (MonotonicClock.now() - start)
            if left <= .zero { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, Int32(max(1, left.nanosecondCount / 1_000_000)))
            frames += readAvailable()
        }
        return frames
    }

    /// LEDs the kernel says are on for this node's device.
    func ledsOn() throws -> [UInt16] {
        var bytes = [UInt8](repeating: 0, count: Int(LED_MAX) / 8 + 1)
        let rc = bytes.withUnsafeMutableBytes { inputmux_ioctl_ptr(fd, inputmux_eviocgled(UInt32($0.count)), $0.baseAddress) }
        if rc < 0 { throw TestFailure("EVIOCGLED on \(path): errno \(errno)") }
        var codes: [UInt16] = []
        for (i, b) in bytes.enumerated() where b != 0 {
            for bit in 0..<8 where b & (1 << UInt8(bit)) != 0 { codes.append(UInt16(i * 8 + bit)) }
        }
        return codes
    }

    /// Keys the kernel says are down on this node.
    func keysDown() throws -> [UInt16] {
        var bytes = [UInt8](repeating: 0, count: Int(KEY_MAX) / 8 + 1)
        let rc = bytes.withUnsafeMutableBytes { inputmux_ioctl_ptr(fd, inputmux_eviocgkey(UInt32($0.count)), $0.baseAddress) }
        if rc < 0 { throw TestFailure("EVIOCGKEY on \(path): errno \(errno)") }
        var codes: [UInt16] = []
        for (i, b) in bytes.enumerated() where b != 0 {
            for bit in 0..<8 where b & (1 << UInt8(bit)) != 0 { codes.append(UInt16(i * 8 + bit)) }
        }
        return codes
    }
}

/// Writes a raw frame to a uinput fd from any thread (used from a timer to release a key).
func writeRawFrame(fd: Int32, _ events: [EvdevEvent]) {
    var raw = events.map(input_event.init)
    raw.append(input_event(EvdevEvent.synReport))
    _ = raw.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}
