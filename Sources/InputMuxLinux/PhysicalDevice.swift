import CInputMuxShim
import CLibevdev
import Glibc
import InputMuxCore
import SystemPackage
import InputMuxSystem

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
    /// One `read`'s worth of events, allocated once (`readFrames`).
    private let batch: UnsafeMutablePointer<input_event>
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
        batch = .allocate(capacity: Self.batchCapacity)
        batch.initialize(repeating: input_event(), count: Self.batchCapacity)
        name = libevdev_get_name(dev).map { String(cString: $0) } ?? ""
        phys = libevdev_get_phys(dev).map { String(cString: $0) } ?? ""
        identity = DeviceIdentity(
            bustype: UInt16(truncatingIfNeeded: libevdev_get_id_bustype(dev)),
            vendor: UInt16(truncatingIfNeeded: libevdev_get_id_vendor(dev)),
            product: UInt16(truncatingIfNeeded: libevdev_get_id_product(dev)),
            version: UInt16(truncatingIfNeeded: libevdev_get_id_version(dev)))
    }

    deinit {
        close()
        batch.deallocate()
    }

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
    /// The hot path reads the node directly, a batch of whole frames per `read` (evdev
    /// hands out complete packets only), so a frame reaches `body` after one system call;
    /// a batch shorter than asked for means the kernel's queue is empty, and no second
    /// read is spent to learn it. libevdev still keeps the device's state: every event is
    /// passed on to it once its batch has gone out.
    ///
    /// After the kernel dropped events (`SYN_DROPPED`) the partial frame is discarded and
    /// libevdev's resync delta (the changes that bring the key, axis and slot state up to
    /// date, computed against that tracked state) is delivered as one frame, so a consumer
    /// that forwards frames ends with the right state too. Returns the number of frames
    /// delivered; stops when nothing is pending.
    ///
    /// The corresponding C functions are `read`, `libevdev_set_event_value` (tracking) and
    /// `libevdev_next_event` (`LIBEVDEV_READ_FLAG_FORCE_SYNC`, then `LIBEVDEV_READ_FLAG_SYNC`).
    @discardableResult
    public func readFrames(into buffer: EventBuffer,
                           _ body: (UnsafeMutableBufferPointer<input_event>) throws(DeviceError) -> Void) throws(DeviceError) -> Int {
        var frames = 0
        while true {
            if syncing {
                frames += try deliverResync(into: buffer, body)
                continue
            }
            let n: Int
            do {
                n = try fd.read(into: UnsafeMutableRawBufferPointer(start: batch, count: Self.batchCapacity * MemoryLayout<input_event>.stride),
                                retryOnInterrupt: true)
            } catch {
                let e = (error as? Errno) ?? .ioError
                if e == .resourceTemporarilyUnavailable { return frames }
                throw DeviceError.operating("read", path, e)
            }
            let count = n / MemoryLayout<input_event>.stride
            if count == 0 { return frames }
            var used = 0
            var dropped = false
            while used < count {
                let ev = batch[used]
                if ev.type == UInt16(EV_SYN) && ev.code == UInt16(SYN_DROPPED) { dropped = true; break }
                used += 1
                try Self.append(ev, to: buffer, body)
                if ev.isSynReport {
                    if buffer.count > 1 { try body(buffer.events); frames += 1 }
                    buffer.removeAll()
                }
            }
            track(count: used)
            if dropped {
                // What was buffered is incomplete, and what follows in this batch up to the
                // next SYN_REPORT is not to be trusted: libevdev re-reads the state instead.
                buffer.removeAll()
                resyncCount += 1
                syncing = true
                var ev = input_event()
                let rc = libevdev_next_event(evdev, UInt32(LIBEVDEV_READ_FLAG_FORCE_SYNC.rawValue), &ev)
                if rc < 0 && rc != -EAGAIN {
                    throw DeviceError.operating("libevdev_next_event", path, LibevdevResult.errno(rc))
                }
                continue
            }
            if count < Self.batchCapacity { return frames }
        }
    }

    /// How many events one `read` asks for: more than any keyboard, mouse or touchpad
    /// puts in one frame.
    static let batchCapacity = 256

    /// Tells libevdev what the first `count` events of the batch changed, so its view of
    /// keys, axes and touch slots (the base of a resync delta) stays the device's.
    @inline(__always)
    private func track(count: Int) {
        for i in 0..<count {
            let ev = batch[i]
            switch Int32(ev.type) {
            case EV_KEY, EV_ABS, EV_LED, EV_SW:
                _ = libevdev_set_event_value(evdev, UInt32(ev.type), UInt32(ev.code), ev.value)
            default:
                break
            }
        }
    }

    /// Adds `ev` to the frame being gathered. A frame larger than the buffer is passed on in
    /// parts: the kernel only delivers to readers at SYN_REPORT, so a split frame stays one
    /// frame downstream.
    @inline(__always)
    private static func append(_ ev: input_event, to buffer: EventBuffer,
                               _ body: (UnsafeMutableBufferPointer<input_event>) throws(DeviceError) -> Void) throws(DeviceError) {
        if buffer.isFull {
            try body(buffer.events)
            buffer.removeAll()
        }
        buffer.append(ev)
    }

    /// Reads libevdev's resync delta to its end and delivers it as one frame.
    private func deliverResync(into buffer: EventBuffer,
                               _ body: (UnsafeMutableBufferPointer<input_event>) throws(DeviceError) -> Void) throws(DeviceError) -> Int {
        var ev = input_event()
        buffer.removeAll()
        while true {
            let rc = libevdev_next_event(evdev, UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue), &ev)
            if rc == -EAGAIN { break }
            if rc < 0 { throw DeviceError.operating("libevdev_next_event", path, LibevdevResult.errno(rc)) }
            try Self.append(ev, to: buffer, body)
        }
        syncing = false
        guard !buffer.isEmpty else { return 0 }
        // libevdev ends the delta with SYN_REPORT, but a delta cut short still has to
        // reach the consumer as a frame.
        if !buffer.events[buffer.count - 1].isSynReport {
            var syn = input_event(); syn.type = UInt16(EV_SYN); syn.code = UInt16(SYN_REPORT)
            buffer.append(syn)
        }
        try body(buffer.events)
        buffer.removeAll()
        return 1
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
        fd.waitReadable(timeout: timeout) || libevdev_has_event_pending(evdev) > 0
    }
}
