import CWayland
import CWaylandProtocols
import InputMuxCore
import InputMuxImage
import InputMuxSight
import struct InputMuxCore.Region

/// What agents are shown on a wlroots compositor (sway), through wlr-screencopy
/// (DESIGN §5b): a rectangle of the desktop is copied from the output(s) under it into
/// shared memory; what changes is followed through the protocol's damage (one
/// `DamageWatch` per output), for settling.
///
/// A window's own contents cannot be shown: the protocol copies outputs, not windows.
/// A window target is refused (`windowContentsUnsupported`); the daemon wraps this
/// source in `ScreenWindowSource`, which shows a window lease as the window's rectangle
/// of the screen, with what other windows cover there blanked.
///
/// The pointer is not drawn into captures and its shape is not known (`cursorImage` is
/// nil): the protocol offers the cursor only painted into the copy.
///
/// Threading: the source opens its own connection and lives on one thread (the
/// daemon's capture thread). Not `Sendable`.
public final class WaylandCaptureSource: CaptureSource {
    public let connection: WaylandConnection
    private let pool: SharedBufferPool
    private let manager: OpaquePointer
    private let shm: OpaquePointer
    var watches: [UInt32: DamageWatch] = [:]
    var history = DamageHistory()
    /// Damage reported by the watches and not yet stamped by `service`.
    var unstamped: [Region] = []
    /// How long one copy may take before the compositor is taken for hung.
    public let timeout: Duration

    /// Connects to `socket` (see `WaylandConnection.init`), and starts following every
    /// output's damage; returns once each output's first answer is in, or `timeout`
    /// passed (the first answer is no change, and is dropped whenever it comes).
    public init(socket: String?, timeout: Duration = .seconds(2)) throws(WaylandError) {
        connection = try WaylandConnection(socket: socket, timeout: timeout)
        guard !connection.describedOutputs.isEmpty else { throw .noOutputs }
        // Checked by the connection's init: it refuses a compositor without them.
        manager = connection.screencopy!
        shm = connection.shm!
        pool = SharedBufferPool(shm: shm)
        self.timeout = timeout
        for output in connection.outputs.values { follow(output) }
        connection.outputAdded = { [unowned self] in follow($0) }
        // An output that draws nothing (powered off) answers late: its first answer is
        // dropped whenever it comes, so only a lost connection stops the source here.
        do throws(WaylandError) {
            try connection.dispatch(timeout: timeout, "the first damage report of every output") {
                watches.values.allSatisfy(\.isPrimed)
            }
        } catch {
            if case .timedOut = error {} else { throw error }
        }
        unstamped.removeAll()
    }

    deinit {
        // Every proxy goes before the connection closes the display under them.
        connection.outputAdded = nil
        watches.removeAll()
        pool.close()
    }

    private func follow(_ output: WaylandOutput) {
        let watch = DamageWatch(output: output, manager: manager, shm: shm) { [unowned self] in unstamped.append($0) }
        watches[output.registryName] = watch
        watch.start()
    }

    /// The desktop: the smallest rectangle around every output.
    public var bounds: Region {
        Region.bounding(connection.describedOutputs.map(\.logical)) ?? Region(x: 0, y: 0, width: 0, height: 0)
    }

    /// The connection's socket; -1 (which `poll` skips) once the compositor is gone, as
    /// its socket would then be readable for ever.
    public var fileDescriptor: Int32 { connection.lost == nil ? connection.fileDescriptor : -1 }

    public func capture(_ target: CaptureTarget) throws(CaptureError) -> PixelImage {
        switch target {
        case .window(let id, _):
            throw .windowContentsUnsupported(id, source: "wlr-screencopy")
        case .screen(let rect):
            let pieces = try self.pieces(of: rect)
            do throws(WaylandError) {
                if pieces.count == 1, let (output, part) = pieces.first, part == rect {
                    return try copy(output, part)
                }
                var parts: [(image: PixelImage, x: Int, y: Int)] = []
                for (output, part) in pieces {
                    parts.append((try copy(output, part), Int(part.x - rect.x), Int(part.y - rect.y)))
                }
                return PixelImage.composed(width: Int(rect.width), height: Int(rect.height), format: .xrgb8888, parts: parts)
            } catch {
                throw .failed(error.description)
            }
        }
    }

    /// The parts of `rect` each output shows, in desktop coordinates; refused unless the
    /// outputs show all of it.
    private func pieces(of rect: Region) throws(CaptureError) -> [(WaylandOutput, Region)] {
        if let lost = connection.lost { throw .failed(WaylandError.connectionLost(lost).description) }
        let screen = bounds
        guard !rect.isEmpty else { throw .outsideScreen(rect, screen: screen) }
        var pieces: [(WaylandOutput, Region)] = []
        var covered: Int64 = 0
        var seen: Set<Region> = []
        for output in connection.describedOutputs where seen.insert(output.logical).inserted {
            let o = output.logical
            let x0 = max(rect.x, o.x), y0 = max(rect.y, o.y)
            let x1 = min(rect.x + rect.width, o.x + o.width), y1 = min(rect.y + rect.height, o.y + o.height)
            guard x1 > x0, y1 > y0 else { continue }
            let part = Region(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            pieces.append((output, part))
            covered += Int64(part.width) * Int64(part.height)
        }
        // Outputs do not overlap (mirrors share one rectangle, kept once): the pieces
        // cover the rectangle exactly when their areas add up to its own.
        guard covered == Int64(rect.width) * Int64(rect.height) else { throw .outsideScreen(rect, screen: screen) }
        return pieces
    }

    /// `part` (desktop coordinates, inside `output`) copied by the compositor into the pool,
    /// as B, G, R, X rows, top row first.
    /// The corresponding C functions are `zwlr_screencopy_manager_v1_capture_output_region`
    /// and `zwlr_screencopy_frame_v1_copy`.
    private func copy(_ output: WaylandOutput, _ part: Region) throws(WaylandError) -> PixelImage {
        guard output.isPlain else {
            throw .copyRefused("output \(output.name) has scale \(output.scale) and transform \(output.transform); captures read outputs at scale 1, not rotated: set `output \(output.name) scale 1 transform normal`")
        }
        let x = part.x - output.logical.x, y = part.y - output.logical.y
        guard let p = zwlr_screencopy_manager_v1_capture_output_region(manager, 0, output.proxy, x, y, part.width, part.height) else {
            throw .connectionLost("capture_output_region was not sent")
        }
        let frame = ScreencopyFrame(p)
        try connection.dispatch(timeout: timeout, "the buffer for a copy of \(part)") { frame.isDescribed }
        guard !frame.isFailed, let spec = frame.spec else {
            throw .copyRefused("the compositor refused to copy \(part) of output \(output.name)")
        }
        guard spec.width == part.width, spec.height == part.height, spec.stride >= spec.width * 4 else {
            throw .copyRefused("the compositor offers a \(spec.width)x\(spec.height) buffer for \(part) of output \(output.name)")
        }
        guard let layout = ShmLayout(spec.format) else {
            throw .copyRefused("the compositor offers buffers in wl_shm format \(spec.format), which captures cannot read")
        }
        let buffer = try pool.buffer(width: spec.width, height: spec.height, stride: spec.stride, format: spec.format)
        defer { wl_buffer_destroy(buffer) }
        frame.copy(into: buffer, withDamage: false)
        try connection.dispatch(timeout: timeout, "the copy of \(part)") { frame.hasEnded }
        guard frame.isReady, let memory = pool.memory else {
            throw .copyRefused("the compositor failed to copy \(part) of output \(output.name)")
        }
        return layout.image(from: UnsafeRawPointer(memory), width: Int(spec.width), height: Int(spec.height),
                            stride: Int(spec.stride), bottomUp: frame.yInverted)
    }

    /// The pointer's shape is not known here (see the type's note).
    public func cursorImage() -> CursorImage? { nil }
}
