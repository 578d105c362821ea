import CInputMuxSys
import Glibc
import InputMuxCore
import InputMuxLinux
import Logging
import Synchronization

/// The human's input path: every grabbed physical device, its clone, and hotplug.
///
/// It runs on its own thread and does nothing but this, so a human keystroke is
/// re-emitted on the clone the moment it is read: it never waits behind agent work,
/// socket I/O, audit writes or logging (DESIGN §4). Only after forwarding does it tell
/// the engine, through `PhysicalInbox`.
public final class HumanInput: @unchecked Sendable {
    // @unchecked: all mutable state below is touched only by the passthrough thread,
    // except `stopRequested` (a Mutex) and `inventory` (a Mutex) which other threads read.

    private let inbox: PhysicalInbox
    private let wake: WakeSignal
    private let logger: Logger
    private var devices: [UInt32: Passthrough] = [:]
    /// Found while a key was down: retried until released (grabbing mid-press would
    /// leave the compositor with a key stuck down).
    private var pendingGrab: [String: MonotonicPending] = [:]
    private var nextID: UInt32 = 1
    private var hotplug: HotplugMonitor?
    private let discovery: DeviceDiscovery
    private let stopRequested = StopFlag()
    private let inventoryState = Mutex<[DeviceSummary]>([])

    struct MonotonicPending { var since: Instant; var lastError: String }

    /// What `muxctl devices` shows.
    public struct DeviceSummary: Hashable, Sendable {
        public var id: UInt32
        public var path: String
        public var name: String
        public var clone: String
        public var classes: String
    }

    public var inventory: [DeviceSummary] { inventoryState.withLock { $0 } }

    /// The passthrough thread's name (at most 15 characters: the kernel's limit).
    static let threadName = "inputmuxd human"

    /// `wake` interrupts this thread's poll (for `stop`); the engine's own wake signal
    /// travels inside `inbox`.
    public init(inbox: PhysicalInbox, wake: WakeSignal, logger: Logger) throws(DeviceError) {
        self.inbox = inbox
        self.logger = logger
        self.wake = wake
        discovery = try DeviceDiscovery()
    }

    /// Grabs every human input device present now. Called before READY.
    public func start() throws(DeviceError) {
        hotplug = try HotplugMonitor()
        for d in try discovery.scan() where d.isHumanInput {
            attach(d.devnode, syspath: d.syspath)
        }
    }

    public func stop() {
        stopRequested.raise()
        wake.signal()
    }

    /// The passthrough loop. Returns after `stop()`, with every device ungrabbed and
    /// every clone destroyed.
    public func run() {
        _ = inputmux_name_this_thread(Self.threadName)
        var fds: [pollfd] = []
        var ids: [UInt32] = []
        // Per entry: true for a clone's uinput fd, which carries what the compositor writes
        // back (LEDs such as Caps Lock) for the physical device.
        var isFeedback: [Bool] = []
        while !stopRequested.isRaised {
            fds.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            isFeedback.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)); ids.append(0); isFeedback.append(false)
            if let h = hotplug {
                fds.append(pollfd(fd: h.fileDescriptor, events: Int16(POLLIN), revents: 0)); ids.append(0); isFeedback.append(false)
            }
            for (id, p) in devices {
                fds.append(pollfd(fd: p.device.fd.rawValue, events: Int16(POLLIN), revents: 0))
                ids.append(id); isFeedback.append(false)
                fds.append(pollfd(fd: p.feedbackDescriptor, events: Int16(POLLIN), revents: 0))
                ids.append(id); isFeedback.append(true)
            }
            let timeout: Int32 = pendingGrab.isEmpty ? -1 : 20
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { logger.error("poll failed", metadata: ["errno": "\(errno)"]); break }
            for i in 0..<fds.count where fds[i].revents != 0 {
                let id = ids[i]
                if id != 0 && isFeedback[i] {
                    feedback(id)
                } else if id != 0 {
                    forward(id, revents: fds[i].revents)
                } else if fds[i].fd == wake.fd {
                    wake.consume()
                } else {
                    hotplugEvents()
                }
            }
            if !pendingGrab.isEmpty { retryPending() }
        }
        for (_, p) in devices { p.close() }
        devices.removeAll()
        publishInventory()
    }

    /// The hot path: read what the device has, forward it to the clone, then tell the
    /// engine. Nothing here allocates.
    @inline(__always)
    private func forward(_ id: UInt32, revents: Int16) {
        guard let p = devices[id] else { return }
        let inbox = self.inbox
        do {
            let frames = try p.pump { events in
                var reportedMotion = false
                for e in events {
                    switch e.type {
                    case EV.key, EV.syn:
                        inbox.push(device: id, type: e.type, code: e.code, value: e.value)
                    case EV.rel, EV.abs:
                        // One motion event per frame is enough to mark the human active.
                        if !reportedMotion {
                            inbox.push(device: id, type: e.type, code: e.code, value: e.value)
                            reportedMotion = true
                        }
                    default:
                        break
                    }
                    if e.type == EV.syn { reportedMotion = false }
                }
            }
            if frames > 0 { inbox.wake.signal() }
        } catch {
            logger.warning("physical device dropped", metadata: ["device.path": "\(p.device.path)", "error": "\(error)"])
            p.close()
            devices[id] = nil
            publishInventory()
        }
    }

    /// LED and sound changes the compositor made on a clone go back to the real device,
    /// so the Caps Lock light still follows Caps Lock.
    private func feedback(_ id: UInt32) {
        guard let p = devices[id] else { return }
        do {
            _ = try p.feedback()
        } catch {
            logger.warning("feedback to physical device failed", metadata: ["device.path": "\(p.device.path)", "error": "\(error)"])
        }
    }

    private func hotplugEvents() {
        guard let h = hotplug else { return }
        for event in h.drain() {
            switch event.action {
            case .added:
                guard !event.udevMarked else { continue }
                attach(event.devnode, syspath: event.syspath)
            case .removed:
                pendingGrab[event.devnode] = nil
                for (id, p) in devices where p.device.path == event.devnode {
                    logger.info("physical device removed", metadata: ["device.path": "\(event.devnode)"])
                    p.close()
                    devices[id] = nil
                }
                publishInventory()
            }
        }
    }

    private func attach(_ devnode: String, syspath: String) {
        guard !devices.values.contains(where: { $0.device.path == devnode }) else { return }
        do {
            let info = try discovery.inspect(devnode: devnode, syspath: syspath)
            guard info.isHumanInput else { return }
            let device = try PhysicalDevice(path: devnode)
            if try !device.keysDown().isEmpty {
                device.close()
                if pendingGrab[devnode] == nil {
                    logger.info("waiting for keys to be released before grabbing", metadata: ["device.path": "\(devnode)"])
                    pendingGrab[devnode] = MonotonicPending(since: MonotonicClock.now(), lastError: "keys down")
                }
                return
            }
            let p = try Passthrough(device: device, grabTimeout: .milliseconds(200))
            let id = nextID
            nextID += 1
            devices[id] = p
            pendingGrab[devnode] = nil
            logger.info("grabbed physical device", metadata: [
                "device.path": "\(devnode)", "device.name": "\(device.name)", "device.clone": "\(p.clone.devnode)",
            ])
            publishInventory()
        } catch DeviceError.keysHeld(_, _, _) {
            pendingGrab[devnode] = MonotonicPending(since: MonotonicClock.now(), lastError: "keys down")
        } catch {
            pendingGrab[devnode] = nil
            logger.warning("not grabbing device", metadata: ["device.path": "\(devnode)", "error": "\(error)"])
        }
    }

    private func retryPending() {
        for (devnode, _) in pendingGrab { attach(devnode, syspath: "") }
    }

    private func publishInventory() {
        let list = devices.sorted { $0.key < $1.key }.map { id, p in
            DeviceSummary(id: id, path: p.device.path, name: p.device.name, clone: p.clone.devnode,
                          classes: "\(p.device.classes)")
        }
        inventoryState.withLock { $0 = list }
    }
}
