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

    /// Clones `device`, then grabs it safely (waiting until no key is down). The clone
    /// comes first so that no frame is lost between the grab and the first pump.
    public init(device: PhysicalDevice, grabTimeout: Duration = .seconds(5)) throws(DeviceError) {
        self.device = device
        clone = try PassthroughClone(of: device)
        buffer = EventBuffer(capacity: 512)
        do {
            try device.grabSafely(timeout: grabTimeout)
        } catch {
            clone.destroy()
            throw error
        }
    }

    /// Forwards every pending frame; returns how many. `observe` sees each frame before it
    /// is forwarded (the daemon uses it to notice human activity); it must not allocate
    /// to keep the path allocation-free.
    @discardableResult
    @inline(__always)
    public func pump(observe: (UnsafeMutableBufferPointer<input_event>) -> Void = { _ in }) throws(DeviceError) -> Int {
        let clone = self.clone
        let buffer = self.buffer
        return try device.readFrames(into: buffer) { (events) throws(DeviceError) in
            observe(events)
            try clone.forward(buffer)
        }
    }

    /// Ungrabs the physical device and removes the clone.
    public func close() {
        device.ungrab()
        clone.destroy()
    }
}
