import CMallocCounter

/// The malloc counter's view: allocations and live bytes, read around measured code.
enum CoreMalloc {
    /// Whether counts are real (the counter's wrappers are what the process calls).
    static let active: Bool = cmc_active() != 0

    static var allocations: UInt64 { cmc_allocations() }
    static var bytesInUse: Int64 { cmc_bytes_in_use() }

    /// Allocations made while running `body`.
    static func count(_ body: () -> Void) -> UInt64 {
        let before = cmc_allocations()
        body()
        return cmc_allocations() - before
    }
}
