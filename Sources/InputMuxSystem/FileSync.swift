import Glibc
import SystemPackage

extension FileDescriptor {
    /// Flushes the file's data and metadata to its device (swift-system has no `fsync`).
    /// The corresponding C function is `fsync`.
    public func synchronize() throws(Errno) {
        _ = try retryingOnInterrupt { fsync(rawValue) }.get()
    }
}
