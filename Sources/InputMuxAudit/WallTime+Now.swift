import Glibc
import InputMuxCore

extension WallTime {
    /// The calendar time now, for stamping audit records. The core reads no clock; the
    /// daemon does, here.
    ///
    /// The corresponding C function is `clock_gettime(CLOCK_REALTIME, …)`.
    public static func now() -> WallTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WallTime(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
