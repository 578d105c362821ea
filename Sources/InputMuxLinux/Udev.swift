import CLibudev
import Glibc

/// A libudev context. Discovery, the hotplug monitor and the settle check each hold one.
///
/// Not thread-safe (libudev contexts are not): one owner at a time.
public final class Udev {
    let handle: OpaquePointer

    /// The corresponding C function is `udev_new`.
    public init() throws(DeviceError) {
        guard let h = udev_new() else { throw DeviceError.udev("udev_new failed") }
        handle = h
    }

    deinit { udev_unref(handle) }

    /// A snapshot of one device's udev record.
    func device(syspath: String) -> UdevDevice? {
        udev_device_new_from_syspath(handle, syspath).map(UdevDevice.init(owning:))
    }

    /// Whether systemd-udevd runs: without it no udev record ever appears, so waiting for
    /// one would only time out.
    static var daemonRunning: Bool { access("/run/udev/control", F_OK) == 0 }
}

/// One device as libudev sees it (a snapshot: re-create it to see later changes).
struct UdevDevice: ~Copyable {
    let handle: OpaquePointer

    init(owning handle: OpaquePointer) { self.handle = handle }

    deinit { udev_device_unref(handle) }

    var syspath: String? { udev_device_get_syspath(handle).map { String(cString: $0) } }
    var devnode: String? { udev_device_get_devnode(handle).map { String(cString: $0) } }
    var action: String? { udev_device_get_action(handle).map { String(cString: $0) } }
    /// Whether udevd has processed the device (its rules ran and its record is written).
    var isInitialized: Bool { udev_device_get_is_initialized(handle) > 0 }

    func property(_ key: String) -> String? {
        udev_device_get_property_value(handle, key).map { String(cString: $0) }
    }
}
