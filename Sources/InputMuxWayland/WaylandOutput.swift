import CWayland
import CWaylandProtocols
import InputMuxCore
import struct InputMuxCore.Region

/// One output of the compositor: its `wl_output`, and its place and size on the desktop
/// in logical pixels (xdg-output), which is what sway's IPC and its windows' rectangles
/// speak in.
final class WaylandOutput {
    let registryName: UInt32
    let proxy: OpaquePointer
    private var xdgOutput: OpaquePointer?
    private let outputListener: UnsafeMutablePointer<wl_output_listener>
    private let xdgListener: UnsafeMutablePointer<zxdg_output_v1_listener>
    /// The output's rectangle on the desktop, logical pixels; valid once `isDescribed`.
    private(set) var logical = Region(x: 0, y: 0, width: 0, height: 0)
    private var pending = Region(x: 0, y: 0, width: 0, height: 0)
    private(set) var isDescribed = false
    /// Buffer pixels per logical pixel (wl_output.scale).
    private(set) var scale: Int32 = 1
    /// wl_output.transform: 0 is normal (no rotation, no flip).
    private(set) var transform: Int32 = 0
    /// The compositor's name for it (`HEADLESS-1`, `DP-1`), from xdg-output.
    private(set) var name = ""
    /// Set when the compositor removed the output.
    private(set) var isGone = false

    init(registryName: UInt32, proxy: OpaquePointer) {
        self.registryName = registryName
        self.proxy = proxy
        outputListener = .allocate(capacity: 1)
        outputListener.initialize(to: wl_output_listener(
            geometry: { data, _, _, _, _, _, _, _, _, transform in
                guard let data else { return }
                Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue().transform = transform
            },
            mode: { _, _, _, _, _, _ in },
            done: { _, _ in },
            scale: { data, _, factor in
                guard let data else { return }
                Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue().scale = factor
            },
            // Version 4 events; the output is bound at version 2.
            name: { _, _, _ in },
            description: { _, _, _ in }))
        xdgListener = .allocate(capacity: 1)
        xdgListener.initialize(to: zxdg_output_v1_listener(
            logical_position: { data, _, x, y in
                guard let data else { return }
                let me = Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue()
                me.pending = Region(x: x, y: y, width: me.pending.width, height: me.pending.height)
            },
            logical_size: { data, _, w, h in
                guard let data else { return }
                let me = Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue()
                me.pending = Region(x: me.pending.x, y: me.pending.y, width: w, height: h)
            },
            done: { data, _ in
                guard let data else { return }
                let me = Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue()
                me.logical = me.pending
                me.isDescribed = !me.pending.isEmpty
            },
            name: { data, _, name in
                guard let data, let name else { return }
                Unmanaged<WaylandOutput>.fromOpaque(data).takeUnretainedValue().name = String(cString: name)
            },
            description: { _, _, _ in }))
        wl_output_add_listener(proxy, outputListener, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Asks for the output's logical geometry (answered by `done`, again at each change).
    func describe(with manager: OpaquePointer) {
        guard xdgOutput == nil, let x = zxdg_output_manager_v1_get_xdg_output(manager, proxy) else { return }
        xdgOutput = x
        zxdg_output_v1_add_listener(x, xdgListener, Unmanaged.passUnretained(self).toOpaque())
    }

    /// True when a buffer pixel is a logical pixel, in the same orientation: captures and
    /// damage map one to one.
    var isPlain: Bool { scale == 1 && transform == 0 }

    /// The compositor removed the output (or the connection closes): its proxies go.
    func gone() {
        guard !isGone else { return }
        isGone = true
        if let xdgOutput { zxdg_output_v1_destroy(xdgOutput) }
        xdgOutput = nil
        wl_output_destroy(proxy)
    }

    deinit {
        gone()
        outputListener.deallocate()
        xdgListener.deallocate()
    }
}
