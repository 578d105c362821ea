import Glibc
import SystemPackage

/// Calls `call` until it does not fail with EINTR: the one retry loop for the calls
/// swift-system does not wrap (`send`, `accept4`, `poll`, `fsync`, `ioctl`, `waitid`), as
/// its own wrappers retry with `retryOnInterrupt`. A result below zero is an `Errno`.
@inlinable
public func retryingOnInterrupt<T: FixedWidthInteger>(_ call: () -> T) -> Result<T, Errno> {
    while true {
        let r = call()
        if r >= 0 { return .success(r) }
        let e = Errno(rawValue: Glibc.errno)
        if e != .interrupted { return .failure(e) }
    }
}
