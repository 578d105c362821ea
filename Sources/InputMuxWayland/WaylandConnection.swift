import CWayland
import CWaylandProtocols
import Glibc
import InputMuxCore
import struct InputMuxCore.Region

/// A client connection to a Wayland compositor: the display, its registry and the
/// globals capture needs (`wl_shm`, `zwlr_screencopy_manager_v1`,
/// `zxdg_output_manager_v1`, every `wl_output`).
///
/// Threading: belongs to one thread; every event is dispatched on the default queue
/// by that thread's calls (`dispatch(until:)`, `readAvailable`). Not `Sendable`.
public final class WaylandConnection {
    let display: OpaquePointer
    /// The socket's name, for messages.
    public let name: String
    private var registry: OpaquePointer?
    private let registryListener: UnsafeMutablePointer<wl_registry_listener>
    private(set) var shm: OpaquePointer?
    private(set) var screencopy: OpaquePointer?
    private(set) var screencopyVersion: UInt32 = 0
    private(set) var outputManager: OpaquePointer?
    /// The outputs by their registry name, in the order announced.
    private(set) var outputs: [UInt32: WaylandOutput] = [:]
    /// Called with each output announced after the first round trip (hot-plug).
    var outputAdded: ((WaylandOutput) -> Void)?
    /// Set once the compositor closed the connection or posted a protocol error.
    public private(set) var lost: String?

    /// Connects to `socket` (nil: `$WAYLAND_DISPLAY`, else `wayland-0`, in
    /// `$XDG_RUNTIME_DIR`; a path with a slash is taken as it is), reads the globals
    /// and every output's logical geometry (xdg-output).
    /// The corresponding C function is `wl_display_connect`.
    public init(socket: String?, timeout: Duration = .seconds(5)) throws(WaylandError) {
        let shown = socket ?? getenv("WAYLAND_DISPLAY").map { String(cString: $0) } ?? "wayland-0"
        errno = 0
        guard let d = wl_display_connect(socket) else { throw .cannotConnect(display: shown, errno: errno) }
        display = d
        name = shown
        registryListener = .allocate(capacity: 1)
        registryListener.initialize(to: wl_registry_listener(
            global: { data, _, name, interface, version in
                guard let data, let interface else { return }
                Unmanaged<WaylandConnection>.fromOpaque(data).takeUnretainedValue()
                    .announce(name: name, interface: String(cString: interface), version: version)
            },
            global_remove: { data, _, name in
                guard let data else { return }
                Unmanaged<WaylandConnection>.fromOpaque(data).takeUnretainedValue().outputs.removeValue(forKey: name)?.gone()
            }))
        registry = wl_display_get_registry(d)
        wl_registry_add_listener(registry, registryListener, Unmanaged.passUnretained(self).toOpaque())
        // First the globals, then what binding them sends (the outputs' geometry).
        try roundTrip(timeout: timeout, "the registry's globals")
        guard shm != nil else { throw .missingGlobal("wl_shm", why: "shared-memory buffers") }
        guard screencopy != nil else {
            throw .missingGlobal("zwlr_screencopy_manager_v1 version 2", why: "wlr-screencopy with damage, for captures and settling")
        }
        guard outputManager != nil else { throw .missingGlobal("zxdg_output_manager_v1", why: "the outputs' place on the desktop") }
        for output in outputs.values { output.describe(with: outputManager!) }
        try dispatch(timeout: timeout, "the outputs' geometry") { outputs.values.allSatisfy(\.isDescribed) }
    }

    deinit {
        for output in outputs.values { output.gone() }
        outputs.removeAll()
        if let screencopy { zwlr_screencopy_manager_v1_destroy(screencopy) }
        if let outputManager { zxdg_output_manager_v1_destroy(outputManager) }
        if let shm { wl_shm_destroy(shm) }
        if let registry { wl_registry_destroy(registry) }
        wl_display_disconnect(display)
        registryListener.deallocate()
    }

    /// The socket: poll it for input, then call `readAvailable`.
    public var fileDescriptor: Int32 { wl_display_get_fd(display) }

    /// The outputs that have their geometry, left to right, top to bottom.
    var describedOutputs: [WaylandOutput] {
        outputs.values.filter(\.isDescribed).sorted { ($0.logical.y, $0.logical.x) < ($1.logical.y, $1.logical.x) }
    }

    private func announce(name: UInt32, interface: String, version: UInt32) {
        switch interface {
        case "wl_shm":
            shm = OpaquePointer(wl_registry_bind(registry, name, inputmux_wl_shm_interface(), 1))
        case "zwlr_screencopy_manager_v1" where version >= 2:
            // Version 2 brings copy_with_damage; 3 the buffer_done event.
            screencopyVersion = min(version, 3)
            screencopy = OpaquePointer(wl_registry_bind(registry, name, inputmux_screencopy_manager_interface(), screencopyVersion))
        case "zxdg_output_manager_v1":
            // Version 2: xdg_output still sends its own `done` (3 leaves it to wl_output).
            outputManager = OpaquePointer(wl_registry_bind(registry, name, inputmux_xdg_output_manager_interface(), min(version, 2)))
        case "wl_output":
            guard let p = wl_registry_bind(registry, name, inputmux_wl_output_interface(), min(version, 2)) else { return }
            let output = WaylandOutput(registryName: name, proxy: OpaquePointer(p))
            outputs[name] = output
            if let outputManager {
                output.describe(with: outputManager)
                outputAdded?(output)
            }
        default:
            break
        }
    }

    // MARK: - Dispatching

    /// Sends what is queued and waits until the compositor answered everything sent so far.
    func roundTrip(timeout: Duration, _ what: String) throws(WaylandError) {
        var done = false
        let callback = wl_display_sync(display)
        let listener = UnsafeMutablePointer<wl_callback_listener>.allocate(capacity: 1)
        defer { listener.deallocate() }
        listener.initialize(to: wl_callback_listener(done: { data, _, _ in
            data?.assumingMemoryBound(to: Bool.self).pointee = true
        }))
        try withUnsafeMutablePointer(to: &done) { flag throws(WaylandError) in
            wl_callback_add_listener(callback, listener, flag)
            defer { wl_callback_destroy(callback) }
            try dispatch(timeout: timeout, what) { flag.pointee }
        }
    }

    /// Dispatches events until `done` holds, sending what is queued first and waiting on
    /// the socket in between; fails when the compositor goes, or after `timeout`.
    /// The corresponding C functions are `wl_display_prepare_read`, `wl_display_read_events`
    /// and `wl_display_dispatch_pending`.
    func dispatch(timeout: Duration, _ what: String, until done: () -> Bool) throws(WaylandError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            try dispatchPending()
            if done() { return }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw .timedOut(what) }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            try readEvents(waitingAtMost: ms)
        }
    }

    /// Reads and dispatches what the socket already holds, without waiting.
    func readAvailable() throws(WaylandError) {
        try dispatchPending()
        try readEvents(waitingAtMost: 0)
        try dispatchPending()
    }

    /// True when events were read off the socket but not dispatched yet: the socket will
    /// not turn readable for them.
    var hasQueuedEvents: Bool {
        guard lost == nil else { return false }
        if wl_display_prepare_read(display) != 0 { return true }
        wl_display_cancel_read(display)
        return false
    }

    private func dispatchPending() throws(WaylandError) {
        if let lost { throw .connectionLost(lost) }
        if wl_display_dispatch_pending(display) < 0 { throw fail() }
    }

    /// Flushes, then reads the socket if it turns readable within `ms` milliseconds.
    private func readEvents(waitingAtMost ms: Int32) throws(WaylandError) {
        while wl_display_prepare_read(display) != 0 {
            if wl_display_dispatch_pending(display) < 0 { throw fail() }
        }
        // A full socket buffer (EAGAIN) is retried once the socket is read.
        if wl_display_flush(display) < 0, errno != EAGAIN {
            wl_display_cancel_read(display)
            throw fail()
        }
        var pfd = pollfd(fd: wl_display_get_fd(display), events: Int16(POLLIN), revents: 0)
        let n = poll(&pfd, 1, ms)
        if n > 0 {
            if wl_display_read_events(display) < 0 { throw fail() }
        } else {
            wl_display_cancel_read(display)
            if n < 0, errno != EINTR { throw fail() }
        }
    }

    /// Records why the connection is unusable: a protocol error the compositor posted, or
    /// the socket's errno (the compositor went away).
    private func fail() -> WaylandError {
        if let lost { return .connectionLost(lost) }
        let code = wl_display_get_error(display)
        var why = code == EPROTO ? "protocol error" : "errno \(code)"
        if code == EPROTO {
            var interface: UnsafePointer<wl_interface>?
            var id: UInt32 = 0
            let detail = wl_display_get_protocol_error(display, &interface, &id)
            why = "protocol error \(detail) on \(interface.map { String(cString: $0.pointee.name) } ?? "?")@\(id)"
        } else if code == EPIPE || code == ECONNRESET || code == 0 {
            why = "the compositor closed the connection"
        }
        lost = why
        return .connectionLost(why)
    }

    /// Sends queued requests now (a capture's re-armed damage watch).
    func flush() { _ = wl_display_flush(display) }
}
