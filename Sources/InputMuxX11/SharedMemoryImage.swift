import CX11
import CXext
import Glibc
import InputMuxCore
import InputMuxImage
import struct InputMuxCore.Region

/// A System V shared-memory segment the X server writes pixels into (MIT-SHM), so a
/// capture crosses no socket: the server copies into the segment, the source copies the
/// rows out. One segment is reused for every capture and replaced by a larger one when a
/// capture needs more.
///
/// The segment is marked for removal (`IPC_RMID`) as soon as the server has attached it:
/// it lives while the server and this process hold it and vanishes with them, so a
/// daemon that dies leaves no segment behind.
final class SharedMemoryImage {
    private let connection: X11Display
    /// Where Xlib finds the segment: an image made by `XShmCreateImage` keeps this
    /// pointer, so it must not move.
    private let info: UnsafeMutablePointer<XShmSegmentInfo>
    private var attached = false
    private(set) var capacity = 0
    /// The System V id of the segment now attached.
    var segmentID: Int32 { info.pointee.shmid }

    /// A segment of `capacity` bytes attached to the server; nil when the server cannot
    /// attach it (a remote server, or one that refuses shared memory).
    init?(connection: X11Display, capacity: Int) {
        self.connection = connection
        info = .allocate(capacity: 1)
        info.initialize(to: XShmSegmentInfo())
        guard attach(capacity: capacity) else {
            info.deallocate()
            return nil
        }
    }

    deinit {
        detach()
        info.deallocate()
    }

    /// `drawable`'s pixels in `rect` (its own coordinates), with `visual` and `depth`
    /// the drawable's; nil when the server refused (the drawable is gone, or the segment
    /// could not grow).
    /// The corresponding C functions are `XShmCreateImage` and `XShmGetImage`.
    func read(_ drawable: UInt, _ rect: Region, visual: UnsafeMutablePointer<Visual>, depth: Int32) -> PixelImage? {
        let d = connection.display
        guard let image = XShmCreateImage(d, visual, UInt32(depth), ZPixmap, nil, info, UInt32(rect.width), UInt32(rect.height)) else {
            return nil
        }
        defer { _ = image.pointee.f.destroy_image(image) }  // the header only: the data is the segment
        let needed = Int(image.pointee.bytes_per_line) * Int(rect.height)
        if needed > capacity {
            detach()
            guard attach(capacity: needed) else { return nil }
        }
        image.pointee.data = info.pointee.shmaddr
        let (ok, failed) = connection.checked { XShmGetImage(d, drawable, image, rect.x, rect.y, ~0) }
        guard ok != 0, !failed else { return nil }
        // The reply names no visual for a pixmap, and Xlib then zeroes the image's masks.
        if image.pointee.red_mask == 0 {
            image.pointee.red_mask = visual.pointee.red_mask
            image.pointee.green_mask = visual.pointee.green_mask
            image.pointee.blue_mask = visual.pointee.blue_mask
        }
        return X11Display.pixels(image)
    }

    /// Makes a segment of `capacity` bytes and has the server attach it; false when any
    /// step fails (nothing is left allocated then).
    private func attach(capacity: Int) -> Bool {
        let id = shmget(0 /* IPC_PRIVATE */, capacity, IPC_CREAT | 0o600)
        guard id >= 0 else { return false }
        guard let address = shmat(id, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
            shmctl(id, IPC_RMID, nil)
            return false
        }
        info.pointee = XShmSegmentInfo(shmseg: 0, shmid: id, shmaddr: address.assumingMemoryBound(to: CChar.self), readOnly: 0)
        // A server on another machine (or one that may not read our segment) answers
        // the attach with an error, which `checked` catches.
        let (ok, failed) = connection.checked { XShmAttach(connection.display, info) }
        // The server has attached (or refused) by now: mark the segment for removal.
        shmctl(id, IPC_RMID, nil)
        guard ok != 0, !failed else {
            shmdt(address)
            return false
        }
        attached = true
        self.capacity = capacity
        return true
    }

    private func detach() {
        guard attached else { return }
        XShmDetach(connection.display, info)
        XSync(connection.display, 0)
        shmdt(info.pointee.shmaddr)
        attached = false
        capacity = 0
    }
}
