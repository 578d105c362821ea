import CX11
import CXi
import CXrandr
import Glibc
import InputMuxCore
import struct InputMuxCore.Region

/// Something the X server told us that the engine must know.
public enum X11Change: Hashable, Sendable {
    /// A tracked window moved, resized or (un)mapped; nil when it was destroyed.
    case window(WindowID, X11Window?)
    /// The RandR layout changed.
    case desktop(Region)
    /// Input from an XTest client other than this process.
    case foreign(ForeignInjection)
}

/// Input injected through XTest by someone else (xdotool, another tool).
public struct ForeignInjection: Hashable, Sendable, CustomStringConvertible {
    public var kind: InjectionLedger.Kind
    /// Button number or X keycode; 0 for motion.
    public var detail: UInt32
    /// The XInput2 device it came from (a "… XTEST pointer|keyboard").
    public var device: String
    /// Where the pointer was when it arrived (root coordinates).
    public var position: Point?

    /// What it touches (`[human] pause = "touched"`): a key the focus, a press the
    /// pointer's place, motion nothing.
    public var touch: HumanTouch {
        switch kind {
        case .keyPress, .keyRelease: .focus
        case .buttonPress, .buttonRelease: .pointer
        case .motion: .nothing
        }
    }

    public var description: String {
        switch kind {
        case .buttonPress, .buttonRelease: "\(kind) of button \(detail) from \(device)"
        case .keyPress, .keyRelease: "\(kind) of keycode \(detail) from \(device)"
        case .motion: "pointer motion from \(device)"
        }
    }
}

/// Follows tracked windows (StructureNotify on them and on their ancestors, so a window
/// manager frame's moves are seen too), the RandR layout, and XInput2 raw events from
/// the XTEST devices. Runs on the display's owner thread; call `pump` when the display's
/// descriptor is readable and before sleeping (Xlib may hold events read during replies).
public final class X11Watch {
    let x: X11Display
    private var tracked: [WindowID: X11Window] = [:]
    /// Where each tracked window's StructureNotify was selected: the window and its
    /// ancestors below the root. Dropped when the window is, so the server stops sending
    /// notices of windows no lease follows.
    private var selections: [WindowID: [UInt]] = [:]
    /// XTEST slave device ids and names.
    private var xtestDevices: [Int32: String] = [:]
    private let clock: () -> Instant

    public init(display: X11Display, clock: @escaping () -> Instant) {
        x = display
        self.clock = clock
        XSelectInput(x.display, x.root, SubstructureNotifyMask | PropertyChangeMask)
        x.watchDesktop()
        refreshDevices()
        // Raw events on the master devices (sourceid names the slave); the hierarchy
        // (devices coming and going) only for all devices, as XInput2 requires.
        select(XIAllMasterDevices, [XI_RawKeyPress, XI_RawKeyRelease, XI_RawButtonPress, XI_RawButtonRelease, XI_RawMotion])
        select(XIAllDevices, [XI_HierarchyChanged])
        x.flush()
    }

    private func select(_ device: Int32, _ events: [Int32]) {
        var bits = [UInt8](repeating: 0, count: 4)
        for ev in events { bits[Int(ev) >> 3] |= UInt8(1 << (Int(ev) & 7)) }
        bits.withUnsafeMutableBufferPointer { b in
            var mask = XIEventMask(deviceid: device, mask_len: Int32(b.count), mask: b.baseAddress)
            XISelectEvents(x.display, x.root, &mask, 1)
        }
    }

    public var trackedWindows: Set<WindowID> { Set(tracked.keys) }

    /// Follows `w` from now on; returns where it is (nil: it does not exist).
    @discardableResult
    public func track(_ w: WindowID) -> X11Window? {
        guard let info = x.window(w) else { return nil }
        tracked[w] = info
        let chain = x.ancestry(of: UInt(w.rawValue))
        for a in chain where !isSelected(a) {
            XSelectInput(x.display, a, StructureNotifyMask)
        }
        selections[w] = (selections[w] ?? []) + chain
        x.flush()
        return info
    }

    public func untrack(_ w: WindowID) { forget(w, destroyed: false) }

    /// Stops following every window `keep` says no for (their leases ended).
    public func untrack(unless keep: (WindowID) -> Bool) {
        for w in tracked.keys.filter({ !keep($0) }) { forget(w, destroyed: false) }
    }

    /// Whether a tracked window needs StructureNotify on `a`.
    private func isSelected(_ a: UInt) -> Bool {
        selections.values.contains { $0.contains(a) }
    }

    /// Stops following `w`, and deselects what no other tracked window needs. A destroyed
    /// window's own selection went with it (asking would only earn a BadWindow).
    private func forget(_ w: WindowID, destroyed: Bool) {
        tracked[w] = nil
        guard let chain = selections.removeValue(forKey: w) else { return }
        for a in Set(chain) where !isSelected(a) && !(destroyed && a == UInt(w.rawValue)) {
            XSelectInput(x.display, a, NoEventMask)
        }
        x.flush()
    }

    /// Reads every waiting event and returns what changed. The geometry queries it makes
    /// may read more events into Xlib's queue, where polling the socket would not see
    /// them: those are read too before it returns.
    public func pump() -> [X11Change] {
        var changes: [X11Change] = []
        for _ in 0..<8 {
            changes += pumpOnce()
            if x.pendingEvents == 0 { break }
        }
        return changes
    }

    private func pumpOnce() -> [X11Change] {
        var changes: [X11Change] = []
        var geometryDirty = false
        var foreignMotion: ForeignInjection?
        while x.pendingEvents > 0 {
            var e = x.nextEvent()
            switch e.type {
            case ConfigureNotify, MapNotify, UnmapNotify, ReparentNotify, GravityNotify:
                geometryDirty = true
            case DestroyNotify:
                let w = WindowID(UInt64(e.xdestroywindow.window))
                if tracked[w] != nil {
                    forget(w, destroyed: true)
                    changes.append(.window(w, nil))
                }
                geometryDirty = true
            case GenericEvent where e.xcookie.extension == x.xiOpcode:
                guard XGetEventData(x.display, &e.xcookie) != 0 else { continue }
                defer { XFreeEventData(x.display, &e.xcookie) }
                if e.xcookie.evtype == XI_HierarchyChanged { refreshDevices(); continue }
                guard let data = e.xcookie.data else { continue }
                let raw = data.assumingMemoryBound(to: XIRawEvent.self).pointee
                guard let device = xtestDevices[raw.sourceid], let kind = Self.kind(raw.evtype) else { continue }
                if x.ledger.observe(kind, detail: UInt32(bitPattern: raw.detail), at: clock()) {
                    let f = ForeignInjection(kind: kind, detail: UInt32(bitPattern: raw.detail), device: device, position: pointer())
                    if kind == .motion { foreignMotion = f } else { changes.append(.foreign(f)) }
                }
            default:
                if e.type == x.randrEventBase + RRScreenChangeNotify {
                    XRRUpdateConfiguration(&e)
                    changes.append(.desktop(x.desktop()))
                } else if e.type == x.randrEventBase + RRNotify {
                    changes.append(.desktop(x.desktop()))
                }
            }
        }
        if let m = foreignMotion { changes.append(.foreign(m)) }
        if geometryDirty {
            for (w, old) in tracked.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let now = x.window(w)
                if now != old {
                    if now == nil { forget(w, destroyed: true) } else { tracked[w] = now }
                    changes.append(.window(w, now))
                }
            }
        }
        var seen = Set<X11Change>()
        return changes.filter { seen.insert($0).inserted }
    }

    private static func kind(_ evtype: Int32) -> InjectionLedger.Kind? {
        switch evtype {
        case XI_RawKeyPress: .keyPress
        case XI_RawKeyRelease: .keyRelease
        case XI_RawButtonPress: .buttonPress
        case XI_RawButtonRelease: .buttonRelease
        case XI_RawMotion: .motion
        default: nil
        }
    }

    /// The XTEST slave devices (every XTest client injects through them).
    private func refreshDevices() {
        var n: Int32 = 0
        xtestDevices = [:]
        guard let info = XIQueryDevice(x.display, XIAllDevices, &n) else { return }
        defer { XIFreeDeviceInfo(info) }
        for d in UnsafeBufferPointer(start: info, count: Int(n)) {
            let name = String(cString: d.name)
            if name.contains("XTEST") && (d.use == XISlavePointer || d.use == XISlaveKeyboard) {
                xtestDevices[d.deviceid] = name
            }
        }
    }

    /// The pointer position on the root window.
    private func pointer() -> Point? {
        var r: UInt = 0, child: UInt = 0
        var rx: Int32 = 0, ry: Int32 = 0, wx: Int32 = 0, wy: Int32 = 0
        var mask: UInt32 = 0
        guard XQueryPointer(x.display, x.root, &r, &child, &rx, &ry, &wx, &wy, &mask) != 0 else { return nil }
        return Point(x: rx, y: ry)
    }
}
