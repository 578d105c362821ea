import CInputMuxShim
import Glibc
import SystemPackage
import InputMuxSystem

/// One internal wrapper per ioctl shape. `ioctl` is variadic in C, so the shim exports
/// fixed-arity forms; these retry `EINTR` and return `Errno` on failure.
enum Ioctl {
    /// An ioctl that fills or reads the memory at `arg`.
    ///
    /// The corresponding C function is `ioctl(fd, request, arg)`.
    @discardableResult
    static func pointer(_ fd: FileDescriptor, _ request: UInt, _ arg: UnsafeMutableRawPointer) -> Result<Int32, Errno> {
        retrying { inputmux_ioctl_ptr(fd.rawValue, request, arg) }
    }

    /// An ioctl whose argument is an `int` passed by value.
    ///
    /// The corresponding C function is `ioctl(fd, request, (int)value)`.
    @discardableResult
    static func int(_ fd: FileDescriptor, _ request: UInt, _ value: Int32) -> Result<Int32, Errno> {
        retrying { inputmux_ioctl_int(fd.rawValue, request, value) }
    }

    /// An ioctl without argument.
    ///
    /// The corresponding C function is `ioctl(fd, request)`.
    @discardableResult
    static func none(_ fd: FileDescriptor, _ request: UInt) -> Result<Int32, Errno> {
        retrying { inputmux_ioctl_none(fd.rawValue, request) }
    }

    @inline(__always)
    private static func retrying(_ call: () -> Int32) -> Result<Int32, Errno> {
        retryingOnInterrupt(call)
    }

    /// Reads a string the kernel copies into a buffer (device name, phys, sysname).
    static func string(_ fd: FileDescriptor, _ request: (UInt32) -> UInt) -> Result<String, Errno> {
        var buffer = [CChar](repeating: 0, count: 256)
        let result = buffer.withUnsafeMutableBytes { raw in
            pointer(fd, request(UInt32(raw.count - 1)), raw.baseAddress!)
        }
        return result.map { _ in String(nulTerminated: buffer) }
    }
}
