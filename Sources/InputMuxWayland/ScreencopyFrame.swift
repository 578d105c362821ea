import CWayland
import CWaylandProtocols
import InputMuxCore
import struct InputMuxCore.Region

/// One `zwlr_screencopy_frame_v1`: what the compositor says about the buffer it wants
/// (`buffer`, then `buffer_done` from version 3), and how the copy ended (`flags`,
/// `damage`, `ready` or `failed`).
final class ScreencopyFrame {
    struct BufferSpec: Equatable {
        var format: UInt32
        var width: Int32
        var height: Int32
        var stride: Int32
    }

    let proxy: OpaquePointer
    private let version: UInt32
    private let listener: UnsafeMutablePointer<zwlr_screencopy_frame_v1_listener>
    /// The shared-memory buffer the compositor asked for (the `buffer` event).
    private(set) var spec: BufferSpec?
    private var specDone = false
    /// `zwlr_screencopy_frame_v1.flags`: bit 0 says the rows arrive bottom first.
    private(set) var yInverted = false
    /// The damage boxes sent with the copy, output buffer coordinates.
    private(set) var damage: [Region] = []
    private(set) var isReady = false
    private(set) var isFailed = false
    /// Called once the copy ended, ready or failed (the damage watch re-arms from here).
    var ended: ((ScreencopyFrame) -> Void)?
    /// Called once the buffer it wants is known (the damage watch copies from here).
    var described: ((ScreencopyFrame) -> Void)?

    /// Takes over `proxy`, a frame the manager just made.
    init(_ proxy: OpaquePointer) {
        self.proxy = proxy
        version = zwlr_screencopy_frame_v1_get_version(proxy)
        listener = .allocate(capacity: 1)
        listener.initialize(to: zwlr_screencopy_frame_v1_listener(
            buffer: { data, _, format, width, height, stride in
                guard let me = ScreencopyFrame.frame(data) else { return }
                me.spec = BufferSpec(format: format, width: Int32(bitPattern: width),
                                     height: Int32(bitPattern: height), stride: Int32(bitPattern: stride))
                if me.version < 3 { me.described?(me) }
            },
            flags: { data, _, flags in
                ScreencopyFrame.frame(data)?.yInverted = flags & UInt32(ZWLR_SCREENCOPY_FRAME_V1_FLAGS_Y_INVERT.rawValue) != 0
            },
            ready: { data, _, _, _, _ in
                guard let me = ScreencopyFrame.frame(data) else { return }
                me.isReady = true
                me.ended?(me)
            },
            failed: { data, _ in
                guard let me = ScreencopyFrame.frame(data) else { return }
                me.isFailed = true
                me.ended?(me)
            },
            damage: { data, _, x, y, w, h in
                ScreencopyFrame.frame(data)?.damage.append(Region(x: Int32(bitPattern: x), y: Int32(bitPattern: y),
                                                       width: Int32(bitPattern: w), height: Int32(bitPattern: h)))
            },
            linux_dmabuf: { _, _, _, _, _ in },
            buffer_done: { data, _ in
                guard let me = ScreencopyFrame.frame(data) else { return }
                me.specDone = true
                me.described?(me)
            }))
        zwlr_screencopy_frame_v1_add_listener(proxy, listener, Unmanaged.passUnretained(self).toOpaque())
    }

    private static func frame(_ data: UnsafeMutableRawPointer?) -> ScreencopyFrame? {
        data.map { Unmanaged<ScreencopyFrame>.fromOpaque($0).takeUnretainedValue() }
    }

    /// True once the buffer it wants is known (or the frame failed before that).
    var isDescribed: Bool { isFailed || (spec != nil && (version < 3 || specDone)) }

    /// True once the copy ended.
    var hasEnded: Bool { isReady || isFailed }

    /// Asks the compositor to copy into `buffer`: at once (`withDamage` false), or at the
    /// first frame it draws with damage since this client's last damage report.
    func copy(into buffer: OpaquePointer, withDamage: Bool) {
        if withDamage {
            zwlr_screencopy_frame_v1_copy_with_damage(proxy, buffer)
        } else {
            zwlr_screencopy_frame_v1_copy(proxy, buffer)
        }
    }

    deinit {
        zwlr_screencopy_frame_v1_destroy(proxy)
        listener.deallocate()
    }
}
