import Glibc
import SystemPackage

extension FileDescriptor {
    /// Waits until this descriptor has something to read (or its end, or an error) for at
    /// most `timeout`; false when the time passed first. A signal does not end the wait
    /// early. The corresponding C function is `poll`.
    public func waitReadable(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var pfd = pollfd(fd: rawValue, events: Int16(POLLIN), revents: 0)
        while true {
            let left = deadline - ContinuousClock.now
            let ms = left <= .zero ? 0 : Int32(clamping: (left.components.seconds * 1000) + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            let n = poll(&pfd, 1, ms)
            if n > 0 { return true }
            if n == 0 { return false }
            if Glibc.errno != EINTR { return true }  // let the read report the error
        }
    }
}

/// Waits until one of `fds` is ready, for at most `timeoutMilliseconds` (negative:
/// forever); the count of ready entries, 0 when the time passed. A signal restarts the
/// wait. The corresponding C function is `poll`.
@inlinable
public func pollRetryingOnInterrupt(_ fds: inout [pollfd], timeoutMilliseconds: Int32) throws(Errno) -> Int {
    let count = nfds_t(fds.count)
    let result = fds.withUnsafeMutableBufferPointer { buffer in
        retryingOnInterrupt { poll(buffer.baseAddress, count, timeoutMilliseconds) }
    }
    return Int(try result.get())
}
