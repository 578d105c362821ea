import CInputMuxSys
import Glibc
import SystemPackage

/// Bytes in a sealed memfd: an anonymous file that, once sealed, nobody can change,
/// grow or shrink, so a receiver can map or read it without copying it first and
/// without fearing the sender rewrites it (DESIGN §5b: images passed by descriptor).
public enum SealedMemory {
    /// Why the memory could not be made or read. Each case says what to do next.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case failed(call: String, errno: Errno)
        /// The descriptor is not a fully sealed memfd: its contents could still change.
        case notSealed

        public var description: String {
            switch self {
            case .failed(let call, let e):
                "\(call) failed: \(e.description); check the process's memory and descriptor limits"
            case .notSealed:
                "the descriptor is not a sealed memfd (it lacks F_SEAL_WRITE, SHRINK, GROW or SEAL); do not trust its contents"
            }
        }
    }

    /// A new memfd named `name` (for /proc/PID/fd), holding `bytes`, sealed.
    public static func make(name: String, bytes: UnsafeRawBufferPointer) throws(Failure) -> FileDescriptor {
        let raw = inputmux_memfd(name)
        guard raw >= 0 else { throw .failed(call: "memfd_create", errno: Errno(rawValue: errno)) }
        let fd = FileDescriptor(rawValue: raw)
        do {
            var offset = 0
            while offset < bytes.count {
                let n = try fd.write(UnsafeRawBufferPointer(rebasing: bytes[offset...]), retryOnInterrupt: true)
                offset += n
            }
        } catch {
            try? fd.close()
            throw .failed(call: "write", errno: (error as? Errno) ?? .ioError)
        }
        guard inputmux_seal(raw) == 0 else {
            let e = Errno(rawValue: errno)
            try? fd.close()
            throw .failed(call: "fcntl(F_ADD_SEALS)", errno: e)
        }
        return fd
    }

    /// `bytes` in a new sealed memfd.
    public static func make(name: String, bytes: [UInt8]) throws(Failure) -> FileDescriptor {
        try bytes.withUnsafeBytes { raw in Result { () throws(Failure) in try make(name: name, bytes: raw) } }.get()
    }

    /// A sealed memfd's contents mapped read-only for `body`, without copying them
    /// (refused when it is not fully sealed: nobody can change them under the mapping).
    public static func withMapping<T>(_ fd: FileDescriptor, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        guard inputmux_fully_sealed(inputmux_seals(fd.rawValue)) != 0 else { throw Failure.notSealed }
        var st = stat()
        guard fstat(fd.rawValue, &st) == 0 else { throw Failure.failed(call: "fstat", errno: Errno(rawValue: errno)) }
        let size = Int(st.st_size)
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd.rawValue, 0), address != MAP_FAILED else {
            throw Failure.failed(call: "mmap", errno: Errno(rawValue: errno))
        }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }

    /// Everything in a sealed memfd (refused when it is not fully sealed).
    public static func read(_ fd: FileDescriptor) throws(Failure) -> [UInt8] {
        guard inputmux_fully_sealed(inputmux_seals(fd.rawValue)) != 0 else { throw .notSealed }
        var st = stat()
        guard fstat(fd.rawValue, &st) == 0 else { throw .failed(call: "fstat", errno: Errno(rawValue: errno)) }
        let size = Int(st.st_size)
        do {
            return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                var offset = 0
                while offset < size {
                    let n = try fd.read(fromAbsoluteOffset: Int64(offset),
                                        into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[offset...]),
                                        retryOnInterrupt: true)
                    if n == 0 { break }
                    offset += n
                }
                count = offset
            }
        } catch {
            throw .failed(call: "pread", errno: (error as? Errno) ?? .ioError)
        }
    }
}
