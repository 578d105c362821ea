import CInputMuxShim
import Glibc
import InputMuxCore
import SystemPackage

/// What a uinput device announces: ids, name, `phys`, codes per type, axes and properties.
public struct UinputSpec: Sendable {
    public var name: String
    public var identity: DeviceIdentity
    public var phys: String?
    public var keys: [UInt16] = []
    public var relative: [UInt16] = []
    public var absolute: [(code: UInt16, info: AbsAxis)] = []
    public var misc: [UInt16] = []
    public var leds: [UInt16] = []
    public var properties: [UInt16] = []
    /// Let the kernel generate autorepeat (`EV_REP`).
    public var autorepeat = false

    public init(name: String, identity: DeviceIdentity, phys: String? = nil) {
        self.name = name; self.identity = identity; self.phys = phys
    }
}

/// One absolute axis (`struct input_absinfo`).
public struct AbsAxis: Hashable, Sendable {
    public var minimum: Int32
    public var maximum: Int32
    public var resolution: Int32
    public var fuzz: Int32 = 0
    public var flat: Int32 = 0
    public var value: Int32 = 0

    public init(minimum: Int32, maximum: Int32, resolution: Int32 = 0) {
        self.minimum = minimum; self.maximum = maximum; self.resolution = resolution
    }
}

/// A virtual input device made through `/dev/uinput` with our own set-up
/// (`UI_DEV_SETUP`, `UI_ABS_SETUP`); the kernel destroys it when its fd closes.
public final class UinputDevice {
    public let spec: UinputSpec
    public let fd: FileDescriptor
    /// `inputN`, the device's name under `/sys/devices/virtual/input`.
    public let sysname: String
    /// `/dev/input/eventN`, once settled.
    public let devnode: String
    /// When the kernel created the device (`UI_DEV_CREATE` returned): the moment hotplug
    /// latency counts from.
    public let createdAt: Instant
    private var destroyed = false

    /// Creates the device and returns once its node exists and udev has processed it.
    ///
    /// The corresponding C functions are `open("/dev/uinput")`, `ioctl(UI_SET_*BIT)`,
    /// `ioctl(UI_DEV_SETUP)`, `ioctl(UI_ABS_SETUP)`, `ioctl(UI_DEV_CREATE)` and `ioctl(UI_GET_SYSNAME)`.
    ///
    /// With `waitForUdev: false` it returns once the node exists, before udevd has processed it.
    public init(_ spec: UinputSpec, settleTimeout: Duration = .seconds(5), waitForUdev: Bool = true) throws(DeviceError) {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open("/dev/uinput", .writeOnly, options: [.nonBlocking, .closeOnExec])
        } catch {
            throw DeviceError.openingUinput(error as? Errno ?? .ioError)
        }
        do throws(DeviceError) {
            try Self.configure(fd, spec)
            if case .failure(let e) = Ioctl.none(fd, inputmux_ui_dev_create()) {
                throw DeviceError.system(call: "UI_DEV_CREATE", path: "/dev/uinput", errno: e)
            }
            createdAt = MonotonicClock.now()
            guard case .success(let name) = Ioctl.string(fd, inputmux_ui_get_sysname) else {
                throw DeviceError.system(call: "UI_GET_SYSNAME", path: "/dev/uinput", errno: .notSupported)
            }
            sysname = name
            devnode = try NodeSettle.wait(sysname: name, timeout: settleTimeout, udev: waitForUdev)
        } catch {
            try? fd.close()
            throw error
        }
        self.fd = fd
        self.spec = spec
    }

    deinit { destroy() }

    private static func configure(_ fd: FileDescriptor, _ spec: UinputSpec) throws(DeviceError) {
        func set(_ request: UInt, _ value: Int32, _ what: String) throws(DeviceError) {
            if case .failure(let e) = Ioctl.int(fd, request, value) {
                throw DeviceError.system(call: what, path: "/dev/uinput", errno: e)
            }
        }
        try set(inputmux_ui_set_evbit(), EV_SYN, "UI_SET_EVBIT")
        if !spec.keys.isEmpty { try set(inputmux_ui_set_evbit(), EV_KEY, "UI_SET_EVBIT") }
        for k in spec.keys { try set(inputmux_ui_set_keybit(), Int32(k), "UI_SET_KEYBIT") }
        if !spec.relative.isEmpty { try set(inputmux_ui_set_evbit(), EV_REL, "UI_SET_EVBIT") }
        for r in spec.relative { try set(inputmux_ui_set_relbit(), Int32(r), "UI_SET_RELBIT") }
        if !spec.misc.isEmpty { try set(inputmux_ui_set_evbit(), EV_MSC, "UI_SET_EVBIT") }
        for m in spec.misc { try set(inputmux_ui_set_mscbit(), Int32(m), "UI_SET_MSCBIT") }
        if !spec.leds.isEmpty { try set(inputmux_ui_set_evbit(), EV_LED, "UI_SET_EVBIT") }
        for l in spec.leds { try set(inputmux_ui_set_ledbit(), Int32(l), "UI_SET_LEDBIT") }
        if spec.autorepeat { try set(inputmux_ui_set_evbit(), EV_REP, "UI_SET_EVBIT") }
        for p in spec.properties { try set(inputmux_ui_set_propbit(), Int32(p), "UI_SET_PROPBIT") }
        if !spec.absolute.isEmpty { try set(inputmux_ui_set_evbit(), EV_ABS, "UI_SET_EVBIT") }
        for (code, axis) in spec.absolute {
            try set(inputmux_ui_set_absbit(), Int32(code), "UI_SET_ABSBIT")
            var setup = uinput_abs_setup()
            setup.code = code
            setup.absinfo = input_absinfo(value: axis.value, minimum: axis.minimum, maximum: axis.maximum,
                                          fuzz: axis.fuzz, flat: axis.flat, resolution: axis.resolution)
            if case .failure(let e) = Ioctl.pointer(fd, inputmux_ui_abs_setup(), &setup) {
                throw DeviceError.system(call: "UI_ABS_SETUP", path: "/dev/uinput", errno: e)
            }
        }
        if let phys = spec.phys {
            let result = phys.withCString { p in Ioctl.pointer(fd, inputmux_ui_set_phys(), UnsafeMutableRawPointer(mutating: p)) }
            if case .failure(let e) = result { throw DeviceError.system(call: "UI_SET_PHYS", path: "/dev/uinput", errno: e) }
        }
        var setup = uinput_setup()
        setup.id = input_id(bustype: spec.identity.bustype, vendor: spec.identity.vendor,
                            product: spec.identity.product, version: spec.identity.version)
        withUnsafeMutableBytes(of: &setup.name) { raw in
            // UINPUT_MAX_NAME_SIZE includes the terminating NUL.
            let bytes = Array(spec.name.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        if case .failure(let e) = Ioctl.pointer(fd, inputmux_ui_dev_setup(), &setup) {
            throw DeviceError.system(call: "UI_DEV_SETUP", path: "/dev/uinput", errno: e)
        }
    }

    /// Writes the events of `frame` followed by `SYN_REPORT`, in one `write`.
    ///
    /// The corresponding C function is `write`.
    public func write(_ frame: Frame) throws(DeviceError) {
        var events = frame.events.map(input_event.init)
        events.append(input_event(EvdevEvent.synReport))
        try events.withUnsafeMutableBufferPointer { (buf) throws(DeviceError) in try write(events: buf) }
    }

    /// Writes events as they are (the caller ends frames with `SYN_REPORT`), in one `write`.
    ///
    /// The corresponding C function is `write`.
    public func write(events: UnsafeMutableBufferPointer<input_event>) throws(DeviceError) {
        try UinputWrite.all(fd, events, path: devnode)
    }

    /// Removes the device from the system. Held keys are the owner's to release first.
    ///
    /// The corresponding C functions are `ioctl(UI_DEV_DESTROY)` and `close`.
    public func destroy() {
        if destroyed { return }
        destroyed = true
        _ = Ioctl.none(fd, inputmux_ui_dev_destroy())
        try? fd.close()
    }
}

/// Writes an event array to a uinput fd in one call; the kernel takes whole events only.
enum UinputWrite {
    @inline(__always)
    static func all(_ fd: FileDescriptor, _ events: UnsafeMutableBufferPointer<input_event>, path: String) throws(DeviceError) {
        var raw = UnsafeRawBufferPointer(events)
        while !raw.isEmpty {
            let n: Int
            do { n = try fd.write(raw, retryOnInterrupt: true) } catch {
                throw DeviceError.operating("write", path, (error as? Errno) ?? .ioError)
            }
            raw = UnsafeRawBufferPointer(rebasing: raw[n...])
        }
    }
}
