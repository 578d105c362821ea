import CWayland
import CWaylandProtocols
import InputMuxCore
import struct InputMuxCore.Region

/// Follows what changes on one output, through wlr-screencopy's damage: a frame is
/// always waiting with `copy_with_damage`, which the compositor answers at the first
/// frame it draws with damage, with a box around everything that changed since its
/// last answer to this client; the watch reports the box and waits again.
///
/// The frame copies one logical pixel: the box covers the whole output whatever the
/// frame copies (wlroots keeps the damage per client and output), so a watch costs
/// the compositor a one-pixel copy per changed frame, not a full one.
///
/// The compositor's first answer is its whole output (it has no earlier report to
/// compare with): that is no change, and is dropped.
final class DamageWatch {
    let output: WaylandOutput
    private let manager: OpaquePointer
    private let pool: SharedBufferPool
    private var frame: ScreencopyFrame?
    private var buffer: OpaquePointer?
    /// True once the first answer (the whole output) came and was dropped.
    private(set) var isPrimed = false
    /// True when the last frame failed: re-armed by `rearmIfIdle`, not from the failure
    /// itself, so an output that keeps failing does not spin.
    private var idle = false
    /// Where reports go: the changed rectangle on the desktop (logical pixels).
    private let report: (Region) -> Void

    init(output: WaylandOutput, manager: OpaquePointer, shm: OpaquePointer, report: @escaping (Region) -> Void) {
        self.output = output
        self.manager = manager
        pool = SharedBufferPool(shm: shm)
        self.report = report
    }

    /// Starts the first frame (the answer comes through the connection's dispatching).
    func start() { arm() }

    private func arm() {
        guard !output.isGone,
              let p = zwlr_screencopy_manager_v1_capture_output_region(manager, 0, output.proxy, 0, 0, 1, 1) else {
            idle = true
            return
        }
        idle = false
        let f = ScreencopyFrame(p)
        f.ended = { [unowned self] f in ended(f) }
        frame = f
        f.described = { [unowned self] f in described(f) }
    }

    /// The compositor said which buffer it wants: hand it one and ask for the copy.
    private func described(_ f: ScreencopyFrame) {
        guard let spec = f.spec, let b = try? pool.buffer(width: spec.width, height: spec.height, stride: spec.stride, format: spec.format) else {
            return
        }
        buffer = b
        f.copy(into: b, withDamage: true)
    }

    private func ended(_ f: ScreencopyFrame) {
        if f.isReady {
            if isPrimed {
                for box in f.damage { report(desktop(box)) }
            }
            isPrimed = true
        } else if !output.isGone {
            // Unknown what changed: the whole output may have.
            report(output.logical)
        }
        // Destroyed after the listener returns: libwayland still holds the proxy.
        let failed = f.isFailed
        retire()
        if failed { idle = true } else { arm() }
    }

    private func retire() {
        if let buffer { wl_buffer_destroy(buffer) }
        buffer = nil
        if let frame { frame.ended = nil; frame.described = nil; retired.append(frame) }
        frame = nil
    }

    /// Frames that ended inside a listener, destroyed at the next `collect`.
    private var retired: [ScreencopyFrame] = []

    /// Drops ended frames and restarts a watch whose last frame failed.
    func rearmIfIdle() {
        retired.removeAll()
        if idle, frame == nil { arm() }
    }

    /// A damage box (output buffer pixels) as a desktop rectangle. Scaled or rotated
    /// outputs report their whole rectangle: a settle then waits longer, never less.
    private func desktop(_ box: Region) -> Region {
        guard output.isPlain else { return output.logical }
        return Region(x: output.logical.x + box.x, y: output.logical.y + box.y, width: box.width, height: box.height)
    }

    deinit {
        retire()
        retired.removeAll()
    }
}
