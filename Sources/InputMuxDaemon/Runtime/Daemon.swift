import CLibevdev
import Foundation
import InputMuxAudit
import InputMuxConfiguration
import InputMuxCore
import InputMuxKeymap
import InputMuxLinux
import InputMuxSight
import InputMuxSway
import InputMuxWayland
import InputMuxX11
import Logging
import ServiceLifecycle
import Synchronization

/// `inputmuxd` assembled: the human's input path on one thread, the engine and sockets
/// on another, run as a `Service` so one `ServiceGroup` handles SIGTERM/SIGINT.
///
/// Start order: lock, keymap, audit, sockets, grabs; READY is sent only when devices are
/// grabbed and sockets listen. Stop order (DESIGN §4, §7): neutralize and destroy the
/// agents' devices, ungrab and destroy the clones, remove the sockets, flush the audit.
public final class Daemon: Service, @unchecked Sendable {
    // @unchecked: every non-Sendable member is handed to exactly one thread in `run()`
    // and never touched again from here.
    private let logger: Logger
    private let lock: InstanceLock
    /// The human's devices: grabbed and cloned in uinput mode; none in XTest mode, where
    /// the X server owns the input devices (and an Xvfb sandbox has none).
    private let human: HumanInput?
    private let humanWake: WakeSignal
    private let loop: EngineLoop
    private let loopStop = StopFlag()
    private let engineWake: WakeSignal
    private let audit: AuditSink

    /// Everything that can fail at start fails here, before READY, with a sentence that
    /// says what to do.
    public init(configuration initial: Configuration, logger: Logger) throws {
        self.logger = logger
        var c = initial
        try SocketListener.ensureSafeDirectory(SocketListener.directory(of: c.sockets.agentPath))
        lock = try InstanceLock(path: SocketListener.directory(of: c.sockets.agentPath) + "/inputmuxd.lock")

        let keymap = try XKBKeymap(layout: c.keymap.layout, variant: c.keymap.variant, model: c.keymap.model,
                                   options: c.keymap.options)
        audit = try AuditSink(settings: c.audit, logger: logger)

        // The X11 adapter: its connection belongs to the engine thread from here on.
        var x11: X11Bridge?
        if c.x11.enabled {
            let display: X11Display
            do {
                display = try X11Display(display: c.x11.display.isEmpty ? nil : c.x11.display,
                                         xauthority: c.x11.xauthority.isEmpty ? nil : c.x11.xauthority)
            } catch {
                throw DaemonError.configuration("[x11] is enabled but \(error.description)")
            }
            c.desktop = display.desktop()
            logger.info("X11 adapter on", metadata: ["x11.display": "\(display.name)", "x11.desktop": "\(c.desktop)"])
            x11 = X11Bridge(display: display, seats: c.x11.seats, xtest: c.output == .xtest, logger: logger)
        }
        // Sight: captures are read through a second X connection, on the capture thread.
        var sight: CaptureWorker?
        if c.x11.enabled {
            let name = c.x11.display.isEmpty ? nil : c.x11.display
            let cookie = c.x11.xauthority.isEmpty ? nil : c.x11.xauthority
            sight = try CaptureWorker(logger: logger) { () throws(CaptureError) -> any CaptureSource in
                do throws(X11Error) {
                    return try X11CaptureSource(display: name, xauthority: cookie)
                } catch {
                    throw CaptureError.failed(error.description)
                }
            }
        }

        // Or a Wayland compositor's adapter (sway's IPC), with capture through wlr-screencopy.
        var sway: SwayBridge?
        if c.wayland.compositor == .sway {
            let socket: String
            do throws(SwayError) {
                socket = try SwaySocket.locate(configured: c.wayland.socket)
                let bridge = try SwayBridge(socketPath: socket, seats: c.wayland.seats, logger: logger)
                if let d = try bridge.desktop() { c.desktop = d }
                sway = bridge
            } catch {
                throw DaemonError.configuration("[wayland] compositor = \"sway\" but \(error.description)")
            }
            logger.info("sway adapter on", metadata: ["sway.socket": "\(socket)", "sway.desktop": "\(c.desktop)"])
            let display = c.wayland.display.isEmpty ? Self.waylandDisplay(nextTo: socket) : c.wayland.display
            // A window lease is shown as the screen shows it: where sway says, covered parts blanked.
            sight = try CaptureWorker(logger: logger) { () throws(CaptureError) -> any CaptureSource in
                do throws(WaylandError) {
                    return ScreenWindowSource(screen: try WaylandCaptureSource(socket: display),
                                              locator: SwayWindowLocator(socketPath: socket))
                } catch {
                    throw CaptureError.failed(error.description)
                }
            }
        }
        let windowSystem: (any WindowSystem)? = x11 ?? sway

        var ec = EngineConfig(desktop: c.desktop, pacing: c.pacing, keymap: keymap)
        ec.windowSystemFocus = windowSystem != nil
        ec.pauseOnForeignInput = c.x11.pauseOnForeignInput
        ec.humanPause = c.humanPause
        ec.quietPeriod = c.quietPeriod
        ec.defaultTTL = c.leases.defaultTTL
        ec.maximumTTL = c.leases.maximumTTL
        ec.maximumHold = c.leases.maximumHold
        ec.panicChord = c.panicChord
        ec.sensitiveRegions = c.sensitiveRegions.map(\.region)
        ec.sensitiveSight = c.sensitiveRegions.map { SensitiveSight(name: $0.name, region: $0.region, capture: $0.capture) }
        ec.rateLimit = c.limits.rate
        ec.maximumTextLength = c.limits.maximumTextLength
        ec.maximumPathPoints = c.limits.maximumPathPoints
        ec.maximumFrameEvents = c.limits.maximumFrameEvents
        ec.maximumLeasesPerSession = c.limits.maximumLeasesPerSession
        ec.maximumGestureDuration = c.limits.maximumGestureDuration
        ec.redactionKey = audit.redactionKey
        ec.wallClockAtZero = Self.wallClockAtMonotonicZero()

        func group(_ name: String) throws(DaemonError) -> UInt32? {
            if name.isEmpty { return nil }
            guard let gid = Accounts.gid(of: name) else { throw .unknownGroup(name) }
            return gid
        }
        var policyUIDs: [Int: UInt32] = [:], policyGIDs: [Int: UInt32] = [:]
        for (i, rule) in c.policies.enumerated() {
            if let u = rule.user {
                if let uid = Accounts.uid(of: u) { policyUIDs[i] = uid } else {
                    logger.warning("policy names an unknown user; the rule matches nobody", metadata: ["policy.user": "\(u)"])
                }
            }
            if let g = rule.group {
                if let gid = Accounts.gid(of: g) { policyGIDs[i] = gid } else {
                    logger.warning("policy names an unknown group; the rule matches nobody", metadata: ["policy.group": "\(g)"])
                }
            }
        }
        let settings = EngineLoop.Settings(configuration: c, agentGroup: try group(c.sockets.agentGroup),
                                           controlGroup: try group(c.sockets.controlGroup),
                                           policyUIDs: policyUIDs, policyGIDs: policyGIDs)
        let agentListener = try SocketListener(path: c.sockets.agentPath, group: settings.agentGroup)
        let controlListener = try SocketListener(path: c.sockets.controlPath, group: settings.controlGroup)

        engineWake = try WakeSignal()
        let inbox = PhysicalInbox(wake: engineWake)
        humanWake = try WakeSignal()
        let xtest: XTestOutput?
        if c.output == .xtest, let x11 {
            human = nil
            xtest = XTestOutput(display: x11.display, seats: x11.agentSeats)
        } else {
            let h = try HumanInput(inbox: inbox, wake: humanWake, logger: logger)
            try h.start()
            human = h
            xtest = nil
        }

        let keyNames = KeyNames(keymap: keymap, linuxName: Self.linuxKeyCode)
        let human = self.human
        let audit = self.audit
        loop = try EngineLoop(engine: Engine(config: ec), settings: settings, decoder: WireDecoder(keyNames: keyNames),
                          logger: logger, inbox: inbox, agentListener: agentListener, controlListener: controlListener,
                          stopRequested: loopStop, xtest: xtest, windowSystem: windowSystem, sight: sight, devicesInventory: { human?.inventory ?? [] },
                          onAudit: { audit.record($0) }, afterTurn: { audit.wakeWriter() })
    }

    public func run() async throws {
        let (humanDone, humanFinished) = AsyncStream<Void>.makeStream()
        let (loopDone, loopFinished) = AsyncStream<Void>.makeStream()
        let human = self.human
        let loop = UncheckedBox(self.loop)
        if let human { Thread { human.run(); humanFinished.finish() }.start() } else { humanFinished.finish() }
        Thread { loop.value.run(); loopFinished.finish() }.start()
        let grabbed = human?.inventory.count ?? 0
        SystemdNotify.ready(status: human == nil ? "XTest output, no physical devices grabbed" : "\(grabbed) physical devices grabbed")
        logger.info("inputmuxd ready", metadata: ["devices": "\(grabbed)"])

        await withGracefulShutdownHandler {
            for await _ in loopDone {}
        } onGracefulShutdown: { [loopStop, engineWake] in
            SystemdNotify.stopping()
            loopStop.raise()
            engineWake.signal()
        }
        // The engine loop has neutralized the agents' devices and removed the sockets; now
        // the human's devices go back to the system and the audit log is synced, and only
        // then are the agents' devices destroyed, the slow part (`destroyDevicesLeft`).
        human?.stop()
        for await _ in humanDone {}
        audit.close()
        loop.value.destroyDevicesLeft()
        logger.info("inputmuxd stopped")
    }

    /// The Wayland display socket beside sway's IPC socket: both live in the session's
    /// runtime directory, and a compositor's first display is `wayland-1`.
    static func waylandDisplay(nextTo ipcSocket: String) -> String {
        let directory = ipcSocket.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory + "/wayland-1"
    }

    /// Unix time at CLOCK_MONOTONIC zero, so reasons can print wall-clock times.
    static func wallClockAtMonotonicZero() -> Int64 {
        var rt = timespec(), mono = timespec()
        clock_gettime(CLOCK_REALTIME, &rt)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        return (Int64(rt.tv_sec) - Int64(mono.tv_sec)) * 1_000_000_000 + (Int64(rt.tv_nsec) - Int64(mono.tv_nsec))
    }

    /// Linux key names (`KEY_ESC`) through libevdev's table.
    /// The corresponding C function is `libevdev_event_code_from_name`.
    @Sendable public static func linuxKeyCode(_ name: String) -> KeyCode? {
        let code = libevdev_event_code_from_name(UInt32(EV.key), name)
        return code >= 0 ? KeyCode(UInt16(code)) : nil
    }
}

/// Moves a value that is used by exactly one thread into that thread.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
