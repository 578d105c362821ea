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
    /// A frame minus its autorepeats (`forward`); as large as the passthrough's read buffer.
    private let withoutRepeats = EventBuffer(capacity: 512)

    /// Creates the clone of `original` and waits until its node has settled.
    ///
    /// libevdev copies name, ids, capabilities, properties and axis ranges but not
    /// `phys`; so the uinput fd is opened here and `phys` set on it first (the kernel keeps
    /// it for the device that fd creates), then libevdev does the rest on that fd.
    ///
    /// The corresponding C functions are `open("/dev/uinput")`, `ioctl(UI_SET_PHYS)` and
    /// `libevdev_uinput_create_from_device`.
    public init(of original: PhysicalDevice, settleTimeout: Duration = .seconds(5)) throws(DeviceError) {
        let phys = ReservedIdentity.clonePhys(of: original.phys)
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open("/dev/uinput", .readWrite, options: [.nonBlocking, .closeOnExec])
        } catch {
            throw DeviceError.openingUinput(error as? Errno ?? .ioError)
        }
        let setPhys = phys.withCString { p in Ioctl.pointer(fd, inputmux_ui_set_phys(), UnsafeMutableRawPointer(mutating: p)) }
        if case .failure(let e) = setPhys {
            try? fd.close()
            throw DeviceError.system(call: "UI_SET_PHYS", path: "/dev/uinput", errno: e)
        }
        var handle: OpaquePointer?
        let rc = libevdev_uinput_create_from_device(original.evdev, fd.rawValue, &handle)
        guard rc >= 0, let handle else {
            try? fd.close()
            throw DeviceError.system(call: "libevdev_uinput_create_from_device", path: original.path, errno: LibevdevResult.errno(rc))
        }
        uinput = handle
        self.fd = fd
        self.phys = phys
        guard let syspath = libevdev_uinput_get_syspath(handle).map({ String(cString: $0) }) else {
            libevdev_uinput_destroy(handle)
            try? fd.close()
            throw DeviceError.notSettled(what: "the clone of \(original.path)", waited: .zero)
        }
        let sysname = String(syspath.split(separator: "/").last ?? "")
        do {
            devnode = try NodeSettle.wait(sysname: sysname, timeout: settleTimeout)
        } catch {
            libevdev_uinput_destroy(handle)
            try? fd.close()
            throw error
        }
    }

    deinit { destroy() }

    /// Re-emits a frame as read from the original, in one `write`. Autorepeat events
    /// (key value 2) are dropped: the clone has `EV_REP` like the original, so the kernel
    /// repeats on the clone by itself and forwarding them would double every repeat.
    /// `buffer` is left as read (the daemon still counts a repeat as the human being
    /// active); the frame without its repeats is built in a scratch buffer.
    ///
    /// The corresponding C function is `write`.
    @inline(__always)
    public func forward(_ buffer: EventBuffer) throws(DeviceError) {
        guard buffer.events.contains(where: { $0.isAutorepeat }) else {
            try UinputWrite.all(fd, buffer.events, path: devnode)
            return
        }
        withoutRepeats.removeAll()
        for e in buffer.events where !e.isAutorepeat { withoutRepeats.append(e) }
        if withoutRepeats.count <= 1 { return }
        try UinputWrite.all(fd, withoutRepeats.events, path: devnode)
    }

    /// The uinput fd: readable when a client (the compositor) wrote LED or sound changes to
    /// the clone, which belong on the real hardware (`feedback(to:)`).
    public var feedbackDescriptor: Int32 { fd.rawValue }

    /// Passes what clients wrote to the clone (Caps Lock and Num Lock LEDs, sounds) on to
    /// the physical device, so its lights follow the clone's state. Returns the number of
    /// events passed on; uinput's own requests (force-feedback uploads) are not ours to
    /// answer for the device classes InputMux clones and are dropped.
    ///
    /// The corresponding C functions are `read` (on the uinput fd) and `write` (on the evdev node).
    @discardableResult
    public func feedback(to physical: PhysicalDevice, scratch: EventBuffer) throws(DeviceError) -> Int {
        var raw = [input_event](repeating: input_event(), count: 16)
        var passed = 0
        while true {
            let n: Int
            do { n = try raw.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) } } catch {
                let e = (error as? Errno) ?? .ioError
                if e == .resourceTemporarilyUnavailable { return passed }
                throw DeviceError.operating("read", devnode, e)
            }
            if n == 0 { return passed }
            scratch.removeAll()
            for e in raw[0..<(n / MemoryLayout<input_event>.size)] where e.type == UInt16(EV_LED) || e.type == UInt16(EV_SND) {
                scratch.append(e)
            }
            if scratch.isEmpty || !physical.isWritable { continue }
            var syn = input_event(); syn.type = UInt16(EV_SYN); syn.code = UInt16(SYN_REPORT)
            scratch.append(syn)
            passed += scratch.count - 1
            try UinputWrite.all(physical.fd, scratch.events, path: physical.path)
        }
    }

    /// The corresponding C functions are `libevdev_uinput_destroy` (which destroys the
    /// device but leaves a caller's fd open) and `close`.
    public func destroy() {
        if destroyed { return }
        destroyed = true
        libevdev_uinput_destroy(uinput)
        try? fd.close()
    }
}
