import CInputMuxSys
import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux
import Logging
import Synchronization
import InputMuxSystem

/// The human's input path: every grabbed physical device, its clone, and hotplug.
///
/// It runs on its own thread and does nothing but this, so a human keystroke is
/// re-emitted on the clone the moment it is read: it never waits behind agent work,
/// socket I/O, audit writes or logging (DESIGN §4). Only after forwarding does it tell
/// the engine, through `PhysicalInbox`.
///
/// A device plugged in while the daemon runs is grabbed and cloned on a thread of its
/// own: a clone is ready only once udev has seen it, tens of milliseconds or more, and
/// the human's other devices must not wait behind that. The finished passthrough is
/// handed to this thread, which then starts reading it; what the human typed on the new
/// device meanwhile waits in its grabbed node and goes out with the first read. A device
/// found with a key down is grabbed only once every key is up (a grab mid-press would
/// leave the compositor with that key stuck down): its worker waits on the device for
/// the release, and this thread goes on as before.
public final class HumanInput: @unchecked Sendable {
    // @unchecked: all mutable state below is touched only by the passthrough thread,
    // except `stopRequested` (a Mutex) and `inventory` (a Mutex) which other threads read.

    private let inbox: PhysicalInbox
    private let wake: WakeSignal
    private let logger: Logger
    private var devices: [UInt32: Passthrough] = [:]
    private var nextID: UInt32 = 1
    private var hotplug: HotplugMonitor?
    private let discovery: DeviceDiscovery
    private let stopRequested = StopFlag()
    private let inventoryState = Mutex<[DeviceSummary]>([])
    /// Devices being grabbed and cloned on a worker thread, by node, with the attempt's
    /// number: a result whose node was removed (or plugged again) meanwhile is dropped.
    private var attaching: [String: UInt64] = [:]
    private var attempts: UInt64 = 0
    /// What the workers finished, for this thread to take in.
    private let attached = Mutex<[AttachResult]>([])

    /// What grabbing and cloning one device came to.
    enum Attachment {
        case ready(Passthrough)
        /// A key was down, and the caller does not wait: a worker takes the device over.
        case keysDown
        /// The daemon stopped while a worker waited for keys to be released.
        case stopped
        /// The device was unplugged before it could be grabbed (its removal follows).
        case gone
        case notHumanInput
        case failed(String)
    }

    /// A worker's result, handed to the passthrough thread. @unchecked: the passthrough
    /// inside is used by one thread at a time (the worker, then the passthrough thread).
    final class AttachResult: @unchecked Sendable {
        let devnode: String
        let attempt: UInt64
        let outcome: Attachment
        init(devnode: String, attempt: UInt64, outcome: Attachment) {
            self.devnode = devnode
            self.attempt = attempt
            self.outcome = outcome
        }
    }

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

    /// Grabs every human input device present now (on this thread: READY follows).
    public func start() throws(DeviceError) {
        hotplug = try HotplugMonitor()
        for d in try discovery.scan() where d.isHumanInput {
            guard !isGrabbed(d.devnode) else { continue }
            let outcome = Self.attachment(d.devnode, syspath: d.syspath, discovery: discovery, waitingOn: nil)
            if case .keysDown = outcome {
                // A key still down from starting the daemon (Enter, say): a worker waits.
                attach(d.devnode, syspath: d.syspath)
            } else {
                install(d.devnode, outcome)
            }
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
        // This thread is started from Swift's concurrency pool, whose threads run at nice 0:
        // without this it would not have the process's priority (the unit's Nice=-10), and
        // agent processes at 0 would compete with it on equal terms.
        if inputmux_take_process_nice() != 0 {
            logger.warning("the human's input thread cannot take the process's priority; it runs at nice 0",
                           metadata: ["errno": "\(errno)", "hint": "the unit's LimitNICE=-10 allows it; so does CAP_SYS_NICE"])
        }
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
            do { _ = try pollRetryingOnInterrupt(&fds, timeoutMilliseconds: -1) } catch {
                logger.error("poll failed", metadata: ["errno": "\(error.rawValue)"])
                break
            }
            for i in 0..<fds.count where fds[i].revents != 0 {
                let id = ids[i]
                if id != 0 && isFeedback[i] {
                    feedback(id)
                } else if id != 0 {
                    forward(id, revents: fds[i].revents)
                } else if fds[i].fd == wake.fd {
                    wake.consume()
                    takeAttached()
                } else {
                    hotplugEvents()
                }
            }
        }
        // Devices still being cloned: their workers finish within the grab and settle
        // timeouts (one waiting for keys to be released sees the stop within
        // `releaseCheck`); what they made is closed, not left grabbed.
        let deadline = MonotonicClock.now() + .seconds(6)
        while !attaching.isEmpty && MonotonicClock.now() < deadline {
            for r in finishedAttachments() {
                attaching[r.devnode] = nil
                if case .ready(let p) = r.outcome { p.close() }
            }
            if !attaching.isEmpty { MonotonicClock.sleep(.milliseconds(5)) }
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
                attaching[event.devnode] = nil
                for (id, p) in devices where p.device.path == event.devnode {
                    logger.info("physical device removed", metadata: ["device.path": "\(event.devnode)"])
                    p.close()
                    devices[id] = nil
                }
                publishInventory()
            }
        }
    }

    /// Grabs and clones `devnode` on a worker thread; `takeAttached` takes the result in.
    private func attach(_ devnode: String, syspath: String) {
        guard !isGrabbed(devnode), attaching[devnode] == nil else { return }
        attempts += 1
        let attempt = attempts
        attaching[devnode] = attempt
        Thread { [self] in
            let outcome: Attachment
            do {
                outcome = Self.attachment(devnode, syspath: syspath, discovery: try DeviceDiscovery(),
                                          waitingOn: (stopRequested, logger))
            } catch {
                outcome = .failed("\(error)")
            }
            // Only `attached` and `wake` are touched here: both are made for other threads.
            attached.withLock { $0.append(AttachResult(devnode: devnode, attempt: attempt, outcome: outcome)) }
            wake.signal()
        }.start()
    }

    /// Takes in what the workers finished (passthrough thread).
    private func takeAttached() {
        for r in finishedAttachments() {
            guard attaching[r.devnode] == r.attempt else {
                // Removed, or plugged again, while it was being cloned.
                if case .ready(let p) = r.outcome { p.close() }
                continue
            }
            attaching[r.devnode] = nil
            install(r.devnode, r.outcome)
        }
    }

    /// What the workers finished since the last call (passthrough thread).
    private func finishedAttachments() -> [AttachResult] {
        attached.withLock { r in defer { r.removeAll() }; return r }
    }

    /// Whether a passthrough of `devnode` runs already.
    private func isGrabbed(_ devnode: String) -> Bool {
        devices.values.contains { $0.device.path == devnode }
    }

    /// How long a worker waiting for keys to be released sleeps on the device before it
    /// checks for the daemon's stop, and how long one grab attempt waits.
    static let releaseCheck: Duration = .milliseconds(500)

    /// Grabs and clones one device (any thread: it blocks until the clone has settled).
    /// With a key down, and `waitingOn` (a worker's stop flag and logger), it waits on the
    /// device until every key is up (`waitForKeysReleased`: woken by the device's own
    /// events, not by a timer), then grabs. Without it, it gives up at once with `keysDown`.
    static func attachment(_ devnode: String, syspath: String, discovery: DeviceDiscovery,
                           waitingOn waiter: (stop: StopFlag, logger: Logger)?) -> Attachment {
        do {
            let info = try discovery.inspect(devnode: devnode, syspath: syspath)
            guard info.isHumanInput else { return .notHumanInput }
            let device = try PhysicalDevice(path: devnode)
            var told = false
            while true {
                let down = try device.keysDown()
                if down.isEmpty {
                    do {
                        return .ready(try Passthrough(device: device, grabTimeout: releaseCheck))
                    } catch DeviceError.keysHeld(_, _, _) {
                        // A key went down between the check and the grab: wait again.
                    }
                }
                guard let waiter, !waiter.stop.isRaised else {
                    device.close()
                    return waiter == nil ? .keysDown : .stopped
                }
                if !told, !down.isEmpty {
                    waiter.logger.info("waiting for keys to be released before grabbing",
                                       metadata: ["device.path": "\(devnode)", "keys": "\(down)"])
                    told = true
                }
                _ = try device.waitForKeysReleased(timeout: releaseCheck)
            }
        } catch .deviceGone, .notFound {
            return .gone
        } catch {
            return .failed("\(error)")
        }
    }

    /// Starts reading a finished passthrough, or notes why there is none (passthrough thread).
    private func install(_ devnode: String, _ outcome: Attachment) {
        switch outcome {
        case .ready(let p):
            let id = nextID
            nextID += 1
            devices[id] = p
            logger.info("grabbed physical device", metadata: [
                "device.path": "\(devnode)", "device.name": "\(p.device.name)", "device.clone": "\(p.clone.devnode)",
            ])
            publishInventory()
        case .keysDown, .stopped, .notHumanInput:
            break
        case .gone:
            logger.debug("device unplugged before it was grabbed", metadata: ["device.path": "\(devnode)"])
        case .failed(let error):
            logger.warning("not grabbing device", metadata: ["device.path": "\(devnode)", "error": "\(error)"])
        }
    }

    private func publishInventory() {
        let list = devices.sorted { $0.key < $1.key }.map { id, p in
            DeviceSummary(id: id, path: p.device.path, name: p.device.name, clone: p.clone.devnode,
                          classes: "\(p.device.classes)")
        }
        inventoryState.withLock { $0 = list }
    }
}
