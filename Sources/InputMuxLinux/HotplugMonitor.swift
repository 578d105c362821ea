import CLibudev
import Glibc
import InputMuxCore

/// An input event node that appeared or went away.
public struct HotplugEvent: Hashable, Sendable, CustomStringConvertible {
    public enum Action: String, Sendable { case added = "add", removed = "remove" }
    public var action: Action
    public var devnode: String
    public var syspath: String
    /// Whether the udev record carries `INPUTMUX_VIRTUAL=1`.
    public var udevMarked: Bool

    public var description: String { "\(action.rawValue) \(devnode)" }
}

/// Listens to netlink announcements for the `input` subsystem. `fileDescriptor` can go
/// into the daemon's epoll set.
public final class HotplugMonitor {
    /// Whose announcements to listen to.
    public enum Source: String, Sendable {
        /// The kernel's uevents: sent when the node exists, before udevd runs its rules.
        /// The daemon (root) grabs from these, so a new device is grabbed before the
        /// compositor, which waits for udevd, even hears of it; and udevd's work under
        /// load does not delay the grab. The udev property is then checked from udev's
        /// database when udevd has already written it; the `phys` and id marks always apply.
        case kernel
        /// udevd's announcements, after its rules ran (permissions and properties set).
        case udev
    }

    let udev: Udev
    let monitor: OpaquePointer
    public let fileDescriptor: Int32

    /// The corresponding C functions are `udev_monitor_new_from_netlink`,
    /// `udev_monitor_filter_add_match_subsystem_devtype` and `udev_monitor_enable_receiving`.
    public init(source: Source = .kernel) throws(DeviceError) {
        udev = try Udev()
        guard let m = udev_monitor_new_from_netlink(udev.handle, source.rawValue) else {
            throw DeviceError.udev("cannot open the udev netlink monitor")
        }
        monitor = m
        udev_monitor_filter_add_match_subsystem_devtype(m, "input", nil)
        // Input bursts (a dock with five devices) must not overflow the socket.
        udev_monitor_set_receive_buffer_size(m, 4 * 1024 * 1024)
        guard udev_monitor_enable_receiving(m) >= 0 else {
            udev_monitor_unref(m)
            throw DeviceError.udev("cannot receive udev events")
        }
        fileDescriptor = udev_monitor_get_fd(m)
        // libudev's monitor socket is non-blocking; receive_device returns nil when empty.
    }

    deinit { udev_monitor_unref(monitor) }

    /// The next add/remove of an event node, waiting at most `timeout`; nil on timeout.
    ///
    /// The corresponding C functions are `poll` and `udev_monitor_receive_device`.
    public func next(timeout: Duration) -> HotplugEvent? {
        let start = MonotonicClock.now()
        while true {
            if let event = receive() { return event }
            let left = timeout - (MonotonicClock.now() - start)
            if left <= .zero { return nil }
            var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, Int32(clamping: max(1, left.nanosecondCount / 1_000_000)))
        }
    }

    /// Every event already queued, without waiting.
    public func drain() -> [HotplugEvent] {
        var out: [HotplugEvent] = []
        while let e = receive() { out.append(e) }
        return out
    }

    /// One queued message, skipping those that are not add/remove of an event node.
    private func receive() -> HotplugEvent? {
        while let handle = udev_monitor_receive_device(monitor) {
            let record = UdevDevice(owning: handle)
            guard let devnode = record.devnode, devnode.hasPrefix("/dev/input/event"),
                  let actionName = record.action, let action = HotplugEvent.Action(rawValue: actionName),
                  let syspath = record.syspath
            else { continue }
            return HotplugEvent(action: action, devnode: devnode, syspath: syspath,
                                udevMarked: record.property(ReservedIdentity.udevProperty) == "1")
        }
        return nil
    }
}
