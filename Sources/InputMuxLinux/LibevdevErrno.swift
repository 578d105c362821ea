import SystemPackage

/// libevdev reports failure as a negative errno. This is the one place that turns it
/// into `Errno`, so every caller maps failures the same way.
enum LibevdevResult {
    /// Returns `rc` when it is not negative, otherwise the `Errno` it encodes.
    @inline(__always)
    static func check(_ rc: Int32) -> Result<Int32, Errno> {
        rc >= 0 ? .success(rc) : .failure(Errno(rawValue: -rc))
    }

    /// The `Errno` a negative libevdev return encodes.
    @inline(__always)
    static func errno(_ rc: Int32) -> Errno { Errno(rawValue: -rc) }
}
