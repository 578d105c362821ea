import Glibc
import InputMuxCore

/// Finds the event node of a freshly created virtual device and waits until it is usable:
/// the node exists and udevd has processed it (so libinput and compositors, which only
/// accept devices udev tagged, see it the way they will keep seeing it).
enum NodeSettle {
    /// Waits for `/sys/devices/virtual/input/<sysname>/eventN` and its `/dev/input/eventN`.
    /// Returns the devnode.
    /// With `udev: false` it returns as soon as the node exists (for callers that must not
    /// wait on udevd, like a test that times how fast hotplug reacts).
    static func wait(sysname: String, timeout: Duration, udev waitForUdev: Bool = true) throws(DeviceError) -> String {
        let start = MonotonicClock.now()
        let sysdir = "/sys/devices/virtual/input/\(sysname)"
        let udev = try? Udev()
        var devnode: String?
        while true {
            if devnode == nil, let event = DeviceHolder.directoryEntries(sysdir).first(where: { $0.hasPrefix("event") }) {
                devnode = "/dev/input/\(event)"
            }
            if let node = devnode, access(node, F_OK) == 0 {
                if !waitForUdev || !Udev.daemonRunning { return node }
                let eventSyspath = sysdir + "/" + node.dropFirst("/dev/input/".count)
                if let udev, let record = udev.device(syspath: eventSyspath), record.isInitialized { return node }
            }
            // The kernel attaches evdev while it registers the device, before
            // UI_DEV_CREATE returns: a device without an event node well after that will
            // never get one.
            if devnode == nil, MonotonicClock.now() - start >= .milliseconds(250), access(sysdir, F_OK) == 0 {
                let nodes = DeviceHolder.directoryEntries("/dev/input").filter { $0.hasPrefix("event") }.count
                throw DeviceError.noFreeInputMinors(sysname: sysname, eventNodes: nodes)
            }
            if MonotonicClock.now() - start >= timeout {
                throw DeviceError.notSettled(what: devnode ?? "the event node of \(sysname)", waited: timeout)
            }
            MonotonicClock.sleep(.milliseconds(2))
        }
    }
}
