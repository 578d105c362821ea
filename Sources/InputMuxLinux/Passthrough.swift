import CInputMuxShim
import InputMuxCore

/// A grabbed physical device joined to its clone: the human's input path.
///
/// `pump` is the hot path: it reads what is pending and writes each frame to the clone
/// with one `write`, reusing one buffer, allocating nothing.
public final class Passthrough {
    public let device: PhysicalDevice
    public let clone: PassthroughClone
    let buffer: EventBuffer
    let feedbackBuffer = EventBuffer(capacity: 32)

    /// Grabs `device` safely (waiting until no key is down; a device grabbed already is
    /// kept as it is), then clones it. Grabbing first keeps a hotplugged device's grab
    /// fast; what the human types while the clone is made waits in the grabbed node's
    /// queue and goes out with the first pump.
    public init(device: PhysicalDevice, grabTimeout: Duration = .seconds(5)) throws(DeviceError) {
        self.device = device
        buffer = EventBuffer(capacity: 512)
        try device.grabSafely(timeout: grabTimeout)
        do {
            clone = try PassthroughClone(of: device)
        } catch {
            device.ungrab()
            throw error
        }
    }

    /// Forwards every pending frame; returns how many. `observe` sees each frame right
    /// after it went out on the clone (the daemon uses it to notice human activity), so
    /// nothing it does delays the frame; it must not allocate, to keep the path
    /// allocation-free. It sees the frame as read, autorepeats included.
    @discardableResult
    @inline(__always)
    public func pump(observe: (UnsafeMutableBufferPointer<input_event>) -> Void = { _ in }) throws(DeviceError) -> Int {
        let clone = self.clone
        let buffer = self.buffer
        return try device.readFrames(into: buffer) { (events) throws(DeviceError) in
            try clone.forward(buffer)
            observe(buffer.events)
        }
    }

    /// The descriptor to watch for `feedback()`: the clone's uinput fd.
    public var feedbackDescriptor: Int32 { clone.feedbackDescriptor }

    /// Passes LED and sound changes clients made on the clone back to the physical device
    /// (Caps Lock light). Not on the hot path; allocates a little.
    @discardableResult
    public func feedback() throws(DeviceError) -> Int {
        try clone.feedback(to: device, scratch: feedbackBuffer)
    }

    /// Ungrabs the physical device and removes the clone.
    public func close() {
        device.ungrab()
        clone.destroy()
    }
}
