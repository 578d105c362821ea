import CInputMuxShim
import CLibevdev
import Glibc
import InputMuxCore
import SystemPackage

/// The uinput twin of a grabbed physical device: same name, ids, capabilities, properties
/// and axis ranges, so libinput applies the same quirks and classification to it; only
/// `phys` differs (`inputmux/clone/<original>`), which is how InputMux and its udev rules
/// recognise it as InputMux's own.
public final class PassthroughClone {
    public let devnode: String
    public let phys: String
    let uinput: OpaquePointer
    let fd: FileDescriptor
    private var destroyed = false

    /// Creates the clone of `original` and waits until its node has settled.
    ///
    /// The corresponding C function is `libevdev_uinput_create_from_device`.
    public init(of original: PhysicalDevice, settleTimeout: Duration = .seconds(5)) throws(DeviceError) {
        let phys = ReservedIdentity.clonePhys(of: original.phys)
        // libevdev copies the description from the libevdev context, so the phys is set
        // there for the call and restored after: the kernel's own record is untouched.
        libevdev_set_phys(original.evdev, phys)
        var handle: OpaquePointer?
        let rc = libevdev_uinput_create_from_device(original.evdev, Int32(LIBEVDEV_UINPUT_OPEN_MANAGED.rawValue), &handle)
        libevdev_set_phys(original.evdev, original.phys)
        guard rc >= 0, let handle else {
            let e = LibevdevResult.errno(rc)
            switch e {
            case .noSuchFileOrDirectory, .permissionDenied, .notPermitted: throw DeviceError.openingUinput(e)
            default: throw DeviceError.system(call: "libevdev_uinput_create_from_device", path: original.path, errno: e)
            }
        }
        uinput = handle
        fd = FileDescriptor(rawValue: libevdev_uinput_get_fd(handle))
        self.phys = phys
        guard let syspath = libevdev_uinput_get_syspath(handle).map({ String(cString: $0) }) else {
            libevdev_uinput_destroy(handle)
            throw DeviceError.notSettled(what: "the clone of \(original.path)", waited: .zero)
        }
        let sysname = String(syspath.split(separator: "/").last ?? "")
        do {
            devnode = try NodeSettle.wait(sysname: sysname, timeout: settleTimeout)
        } catch {
            libevdev_uinput_destroy(handle)
            throw error
        }
    }

    deinit { destroy() }

    /// Re-emits a frame as read from the original, in one `write`. Autorepeat events
    /// (key value 2) are dropped: the clone has `EV_REP` like the original, so the kernel
    /// repeats on the clone by itself and forwarding them would double every repeat.
    ///
    /// The corresponding C function is `write`.
    @inline(__always)
    public func forward(_ buffer: EventBuffer) throws(DeviceError) {
        var hasRepeat = false
        for e in buffer.events where e.type == UInt16(EV_KEY) && e.value == 2 { hasRepeat = true; break }
        if hasRepeat {
            buffer.removeAll { $0.type == UInt16(EV_KEY) && $0.value == 2 }
            if buffer.count <= 1 { return }
        }
        try UinputWrite.all(fd, buffer.events, path: devnode)
    }

    /// The corresponding C function is `libevdev_uinput_destroy`.
    public func destroy() {
        if destroyed { return }
        destroyed = true
        libevdev_uinput_destroy(uinput)
    }
}
