import CInputMuxSys
import CWayland
import Glibc

/// Memory the compositor copies pixels into: a memfd mapped here and shared with the
/// compositor as a `wl_shm_pool`, grown when a capture needs more. One buffer at a time
/// is carved from its start.
final class SharedBufferPool {
    private let shm: OpaquePointer
    private var fd: Int32 = -1
    private var pool: OpaquePointer?
    private(set) var memory: UnsafeMutableRawPointer?
    private(set) var size = 0

    init(shm: OpaquePointer) { self.shm = shm }

    deinit { release() }

    /// Gives the memory and the pool back now (before the connection closes).
    func close() { release() }

    /// A `wl_buffer` of `height` rows of `stride` bytes in `format` (a `wl_shm` format),
    /// at the pool's start; the caller destroys it once the copy is read.
    /// The corresponding C functions are `memfd_create`, `wl_shm_create_pool` and
    /// `wl_shm_pool_create_buffer`.
    func buffer(width: Int32, height: Int32, stride: Int32, format: UInt32) throws(WaylandError) -> OpaquePointer {
        let need = Int(stride) * Int(height)
        if need > size { try grow(to: need) }
        guard let pool, let buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride, format) else {
            throw .sharedMemory("wl_shm_pool_create_buffer failed")
        }
        return buffer
    }

    /// Replaces the pool with one of at least `need` bytes (rounded up to 1 MiB, so a
    /// run of slightly larger captures does not remap each time).
    private func grow(to need: Int) throws(WaylandError) {
        release()
        let rounded = (need + (1 << 20) - 1) & ~((1 << 20) - 1)
        let fd = inputmux_memfd("inputmux-wayland-capture")
        guard fd >= 0 else { throw .sharedMemory("memfd_create: errno \(errno)") }
        guard ftruncate(fd, off_t(rounded)) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .sharedMemory("ftruncate to \(rounded) bytes: errno \(e)")
        }
        let m = mmap(nil, rounded, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let m, m != MAP_FAILED else {
            let e = errno
            Glibc.close(fd)
            throw .sharedMemory("mmap of \(rounded) bytes: errno \(e)")
        }
        guard let p = wl_shm_create_pool(shm, fd, Int32(rounded)) else {
            munmap(m, rounded)
            Glibc.close(fd)
            throw .sharedMemory("wl_shm_create_pool failed")
        }
        self.fd = fd; memory = m; size = rounded; pool = p
    }

    private func release() {
        if let pool { wl_shm_pool_destroy(pool) }
        if let memory { munmap(memory, size) }
        if fd >= 0 { Glibc.close(fd) }
        pool = nil; memory = nil; size = 0; fd = -1
    }
}
