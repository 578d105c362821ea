import InputMuxCore
import InputMuxSight

/// The engine thread's side of captures: what each request asked for while the engine
/// decides, and made images while the engine checks they may still be sent.
struct CaptureDesk {
    struct Key: Hashable {
        var requester: Requester
        var request: RequestID
    }

    /// Options of requests the engine is deciding on (taken when it orders the capture).
    private var asked: [Key: (options: CaptureOptions, at: Instant)] = [:]
    /// Made images whose `captured` input the engine is handling (taken by its reply).
    private var products: [Key: CaptureWorker.Product] = [:]
    /// Orders that cannot be made (no source), answered after the engine's turn: the
    /// engine is never fed while it is handling an input.
    private(set) var unmade: [CaptureOrder] = []

    mutating func ask(_ key: Key, _ options: CaptureOptions, at: Instant) { asked[key] = (options, at) }

    /// The options of an ordered capture, once.
    mutating func take(for order: CaptureOrder) -> (options: CaptureOptions, at: Instant)? {
        asked.removeValue(forKey: Key(requester: order.requester, request: order.request))
    }

    /// Forgets options the engine did not order (it refused the request).
    mutating func forget(_ key: Key) { asked.removeValue(forKey: key) }

    mutating func cannotMake(_ order: CaptureOrder) { unmade.append(order) }
    mutating func takeUnmade() -> [CaptureOrder] { defer { unmade.removeAll() }; return unmade }

    mutating func hold(_ product: CaptureWorker.Product, for order: CaptureOrder) {
        products[Key(requester: order.requester, request: order.request)] = product
    }

    /// The image for the engine's `captured` reply, once.
    mutating func product(for order: CaptureOrder) -> CaptureWorker.Product? {
        products.removeValue(forKey: Key(requester: order.requester, request: order.request))
    }

    /// Drops an image the engine withheld (its lease ended meanwhile): a descriptor is closed.
    mutating func discard(_ order: CaptureOrder) {
        guard let p = product(for: order) else { return }
        if case .descriptor(let fd) = p.payload { try? fd.close() }
    }
}
