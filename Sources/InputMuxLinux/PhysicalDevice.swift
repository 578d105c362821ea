import CInputMuxShim
import CLibevdev
import Glibc
import InputMuxCore
import SystemPackage

/// An evdev node of a human input device (`/dev/input/eventN`), opened for reading
/// through libevdev. Closing (or deinit) releases a grab the device holds.
///
/// Not thread-safe: one thread owns a device, as one thread owns its epoll loop.
public final class PhysicalDevice {
    public let path: String
    public let fd: FileDescriptor
    public let name: String
    public let phys: String
    public let identity: DeviceIdentity
    public let capabilities: DeviceCapabilities
    public var classes: DeviceClasses { capabilities.classes }
    public private(set) var isGrabbed = false
    /// How many times the kernel dropped events (`SYN_DROPPED`) and the state was re-read.
    public private(set) var resyncCount = 0

    let evdev: OpaquePointer
    private var syncing = false
    private var closed = false

    /// Whether the node is open for writing too (to pass LED changes back to the hardware).
    public let isWritable: Bool

    /// Opens `path` non-blocking and reads what the device is. Read-write when allowed
    /// (LED feedback needs it), read-only otherwise.
    ///
    /// The corresponding C functions are `open` and `libevdev_new_from_fd`.
    public init(path: String) throws(DeviceError) {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readWrite, options: [.nonBlocking, .closeOnExec])
            isWritable = true
        } catch Errno.permissionDenied {
            do {
                fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec])
                isWritable = false
            } catch {
                throw DeviceError.opening(path, error as? Errno ?? .ioError)
            }
        } catch {
            throw DeviceError.opening(path, error as? Errno ?? .ioError)
        }
        var dev: OpaquePointer?
        let rc = libevdev_new_from_fd(fd.rawValue, &dev)
        guard rc >= 0, let dev else {
            try? fd.close()
            throw DeviceError.operating("libevdev_new_from_fd", path, LibevdevResult.errno(rc))
        }
        do {
            capabilities = try DeviceCapabilities(reading: fd, path: path)
        } catch {
            libevdev_free(dev)
            try? fd.close()
            throw error
        }
        self.path = path
        self.fd = fd
        self.evdev = dev
        name = libevdev_get_name(dev).map { String(cString: $0) } ?? ""
        phys = libevdev_get_phys(dev).map { String(cString: $0) } ?? ""
        identity = DeviceIdentity(
            bustype: UInt16(truncatingIfNeeded: libevdev_get_id_bustype(dev)),
            vendor: UInt16(truncatingIfNeeded: libevdev_get_id_vendor(dev)),
            product: UInt16(truncatingIfNeeded: libevdev_get_id_product(dev)),
            version: UInt16(truncatingIfNeeded: libevdev_get_id_version(dev)))
    }

    deinit { close() }

    /// Ungrabs (if grabbed) and closes. Closing releases a grab anyway; the explicit
    /// ungrab makes the release visible in order with the rest of shutdown.
    ///
    /// The corresponding C functions are `libevdev_grab(LIBEVDEV_UNGRAB)`, `libevdev_free` and `close`.
    public func close() {
        if closed { return }
        closed = true
        if isGrabbed { _ = libevdev_grab(evdev, LIBEVDEV_UNGRAB) }
        isGrabbed = false
        libevdev_free(evdev)
        try? fd.close()
    }

    /// The keys and buttons the kernel says are down right now (not libevdev's cached view).
    ///
    /// The corresponding C function is `ioctl(EVIOCGKEY(len))`.
    public func keysDown() throws(DeviceError) -> [UInt16] {
        var bytes = [UInt8](repeating: 0, count: Int(KEY_MAX) / 8 + 1)
        let result = bytes.withUnsafeMutableBytes { raw in
            Ioctl.pointer(fd, inputmux_eviocgkey(UInt32(raw.count)), raw.baseAddress!)
        }
        if case .failure(let e) = result { throw DeviceError.operating("EVIOCGKEY", path, e) }
        return EvdevBits(bytes: bytes).codes
    }

    /// Takes the device exclusively: from now on only this process reads it.
    /// Prefer `grabSafely`, which waits until no key is down.
    ///
    /// The corresponding C function is `ioctl(EVIOCGRAB, 1)`.
    public func grab() throws(DeviceError) {
        if isGrabbed { return }
        if case .failure(let e) = Ioctl.int(fd, inputmux_eviocgrab(), 1) {
            if e == .resourceBusy { throw DeviceError.busy(path: path, holder: DeviceHolder.find(path)) }
            throw DeviceError.operating("EVIOCGRAB", path, e)
        }
        isGrabbed = true
    }

    /// Gives the device back to every reader.
    ///
    /// The corresponding C function is `ioctl(EVIOCGRAB, 0)`.
    public func ungrab() {
        if !isGrabbed { return }
        _ = Ioctl.int(fd, inputmux_eviocgrab(), 0)
        isGrabbed = false
    }

    /// Reads every pending event and hands each complete frame (including its terminating
    /// `SYN_REPORT`) to `body`, reusing `buffer`. Allocates nothing.
    ///
    /// After the kernel dropped events (`SYN_DROPPED`) the partial frame is discarded and
    /// libevdev's resync delta (the changes that bring the key, axis and slot state up to
    /// date) is delivered as one frame, so a consumer that forwards frames ends with the
    /// right state too. Returns the number of frames delivered; stops at `EAGAIN`.
    ///
    /// The corresponding C function is `libevdev_next_event`.
    @discardableResult
    public func readFrames(into buffer: EventBuffer,
                           _ body: (UnsafeMutableBufferPointer<input_event>) throws(DeviceError) -> Void) throws(DeviceError) -> Int {
        var frames = 0
        var ev = input_event()
        // In normal mode libevdev would read(2) before returning every single event;
        // with the BLOCKING flag it reads only once its queue is empty (the fd stays
        // non-blocking, so that read ends in EAGAIN rather than waiting). A frame then
        // costs one read before it is forwarded instead of one per event.
        let normal = UInt32(LIBEVDEV_READ_FLAG_NORMAL.rawValue | LIBEVDEV_READ_FLAG_BLOCKING.rawValue)
        let sync = UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue)
        while true {
            let rc = libevdev_next_event(evdev, syncing ? sync : normal, &ev)
            if rc == -EAGAIN {
                if syncing {
                    // End of the resync delta; libevdev ends it with SYN_REPORT, but a delta
                    // cut short still has to reach the consumer as a frame.
                    syncing = false
                    if !buffer.isEmpty {
                        if !buffer.events[buffer.count - 1].isSynReport {
                            var syn = input_event(); syn.type = UInt16(EV_SYN); syn.code = UInt16(SYN_REPORT)
                            buffer.append(syn)
                        }
                        try body(buffer.events); frames += 1
                        buffer.removeAll()
                    }
                    continue
                }
                return frames
            }
            if rc < 0 { throw DeviceError.operating("libevdev_next_event", path, LibevdevResult.errno(rc)) }
            if rc == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) && !syncing {
                // This event is SYN_DROPPED itself: what was buffered is incomplete.
                syncing = true
                resyncCount += 1
                buffer.removeAll()
                continue
            }
            if buffer.isFull {
                // A frame larger than the buffer: pass on what we have; the kernel only
                // delivers to readers at SYN_REPORT, so a split frame stays one frame downstream.
                try body(buffer.events)
                buffer.removeAll()
            }
            buffer.append(ev)
            if ev.isSynReport {
                if buffer.count > 1 { try body(buffer.events); frames += 1 }
                buffer.removeAll()
            }
        }
    }

    /// Reads the pending frames as values (allocates; for tests and slow paths).
    public func readFrames() throws(DeviceError) -> [Frame] {
        let buffer = EventBuffer(capacity: 256)
        var out: [Frame] = []
        try readFrames(into: buffer) { events in
            out.append(Frame(events.dropLast().map(\.evdevEvent)))
        }
        return out
    }

    /// Whether libevdev's tracked state has `code` down (valid after reading).
    ///
    /// The corresponding C function is `libevdev_get_event_value`.
    public func isKeyDown(_ code: UInt16) -> Bool {
        libevdev_get_event_value(evdev, UInt32(EV_KEY), UInt32(code)) != 0
    }

    /// The range, resolution and current value of an absolute axis, or nil if the device has none.
    ///
    /// The corresponding C function is `libevdev_get_abs_info`.
    public func absAxis(_ code: UInt16) -> AbsAxis? {
        guard let info = libevdev_get_abs_info(evdev, UInt32(code))?.pointee else { return nil }
        var axis = AbsAxis(minimum: info.minimum, maximum: info.maximum, resolution: info.resolution)
        axis.fuzz = info.fuzz
        axis.flat = info.flat
        axis.value = info.value
        return axis
    }

    /// Waits until the node is readable or `timeout` passes.
    ///
    /// The corresponding C function is `poll`.
    public func waitReadable(timeout: Duration) -> Bool {
        var pfd = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
        let ms = Int32(clamping: timeout.nanosecondCount / 1_000_000)
        while true {
            let rc = poll(&pfd, 1, ms)
            if rc < 0 && errno == EINTR { continue }
            return rc > 0 || libevdev_has_event_pending(evdev) > 0
        }
    }
}
