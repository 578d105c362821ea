import CInputMuxSys
import Glibc

/// The loop's epoll set: every descriptor it waits on, level-triggered, each reported by
/// its own number. The corresponding C functions are `epoll_create1`, `epoll_ctl` and
/// `epoll_pwait2`.
struct Poller {
    let fd: Int32

    init() throws(DaemonError) {
        fd = inputmux_epoll_create()
        guard fd >= 0 else { throw .system(call: "epoll_create1", errno: errno) }
    }

    /// Waits for `fd` to be readable (and writable, when `writable`). False with errno set.
    func watch(_ fd: Int32, writable: Bool = false) -> Bool {
        inputmux_epoll_add(self.fd, fd, Self.events(writable: writable)) == 0
    }

    /// Changes whether `fd`'s writability is reported.
    func watchWrites(_ fd: Int32, _ writable: Bool) {
        _ = inputmux_epoll_modify(self.fd, fd, Self.events(writable: writable))
    }

    func remove(_ fd: Int32) { _ = inputmux_epoll_remove(self.fd, fd) }

    /// Fills `ready` with up to its count of ready descriptors within `timeout`
    /// nanoseconds; how many, or -1 with errno set.
    func wait(into ready: inout [inputmux_ready], timeout: Int64) -> Int {
        Int(inputmux_epoll_wait(fd, &ready, Int32(ready.count), timeout))
    }

    func close() { Glibc.close(fd) }

    private static func events(writable: Bool) -> UInt32 { EPOLLIN.rawValue | (writable ? EPOLLOUT.rawValue : 0) }
}
