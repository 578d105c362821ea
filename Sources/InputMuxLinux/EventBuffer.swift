import CInputMuxShim

/// A fixed-capacity array of kernel events, allocated once and reused for every frame,
/// so that reading a frame and writing it on allocates nothing.
public final class EventBuffer {
    public let capacity: Int
    @usableFromInline let storage: UnsafeMutablePointer<input_event>
    public private(set) var count = 0

    public init(capacity: Int = 512) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: input_event(), count: capacity)
    }

    deinit { storage.deallocate() }

    public var isFull: Bool { count == capacity }
    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    public func append(_ e: input_event) {
        storage[count] = e
        count += 1
    }

    @inline(__always)
    public func removeAll() { count = 0 }

    /// The events held now; valid until the next mutation.
    @inline(__always)
    public var events: UnsafeMutableBufferPointer<input_event> {
        UnsafeMutableBufferPointer(start: storage, count: count)
    }
}
