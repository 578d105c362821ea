import CX11
import CXi
import Glibc
import InputMuxCore

/// Where a seat's pointer is and what it holds.
public struct X11SeatPointer: Hashable, Sendable {
    /// Root coordinates.
    public var position: Point
    /// The buttons this seat's pointer holds down now.
    public var buttons: Set<UInt32>
}

/// Seats under XInput2 multi-pointer: master pairs created, found, removed and stale ones
/// cleaned up; slaves attached; each seat's focus and pointer (DESIGN §5a, docs/SEATS.md).
/// Like every request on the connection, these run on its owner thread. Each checks the
/// server's answer (one round trip) and says what went wrong as an `X11Error`.
extension X11Display {
    /// Every XInput2 device, in the server's order.
    /// The corresponding C function is `XIQueryDevice`.
    public func inputDevices() -> [X11InputDevice] {
        var n: Int32 = 0
        guard let info = XIQueryDevice(display, XIAllDevices, &n) else { return [] }
        defer { XIFreeDeviceInfo(info) }
        return UnsafeBufferPointer(start: info, count: Int(n)).compactMap { d in
            let use: X11InputDevice.Use
            switch d.use {
            case XIMasterPointer: use = .masterPointer
            case XIMasterKeyboard: use = .masterKeyboard
            case XISlavePointer: use = .slavePointer
            case XISlaveKeyboard: use = .slaveKeyboard
            case XIFloatingSlave: use = .floatingSlave
            default: return nil
            }
            return X11InputDevice(id: d.deviceid, name: String(cString: d.name), use: use,
                                  attachment: use == .floatingSlave ? nil : d.attachment, enabled: d.enabled != 0)
        }
    }

    /// Every seat: the human's ("Virtual core") and each master pair anyone added.
    public func seats() -> [X11Seat] { X11Seat.seats(in: inputDevices()) }

    /// The seats whose names start with `prefix` (`X11Seat.agentPrefix`: every agent's).
    public func seats(withPrefix prefix: String) -> [X11Seat] { seats().filter { $0.name.hasPrefix(prefix) } }

    /// The seat named `name`, nil when there is none.
    public func seat(named name: String) -> X11Seat? { seats().first { $0.name == name } }

    /// The human's seat: the virtual core pointer and keyboard.
    public func coreSeat() -> X11Seat? { seat(named: X11Seat.coreName) }

    /// Whether `seat`'s master pointer still exists under its name (a removed device's id
    /// may be given to a new one).
    public func exists(_ seat: X11Seat) -> Bool {
        inputDevices().contains { $0.id == seat.pointer && $0.use == .masterPointer && $0.name == "\(seat.name) pointer" }
    }

    /// Adds a master pointer/keyboard pair named `name` (enabled, sending core events, so
    /// every X client sees its input) and returns it with its XTEST slaves.
    /// The corresponding C function is `XIChangeHierarchy` with `XIAddMaster`.
    public func createSeat(named name: String) throws(X11Error) -> X11Seat {
        guard !inputDevices().contains(where: { $0.isMaster && ($0.name == "\(name) pointer" || $0.name == "\(name) keyboard") }) else {
            throw .seatExists(name)
        }
        let (_, failed) = checked {
            name.withCString { p in
                var change = XIAnyHierarchyChangeInfo()
                change.add = XIAddMasterInfo(type: XIAddMaster, name: UnsafeMutablePointer(mutating: p), send_core: 1, enable: 1)
                return XIChangeHierarchy(display, &change, 1)
            }
        }
        guard !failed else { throw .seatRefused(name) }
        let devices = inputDevices()
        guard let p = devices.first(where: { $0.use == .masterPointer && $0.name == "\(name) pointer" }) else {
            throw .seatIncomplete(name, missing: "master pointer")
        }
        guard let k = p.attachment, devices.contains(where: { $0.id == k && $0.use == .masterKeyboard }) else {
            throw .seatIncomplete(name, missing: "master keyboard")
        }
        guard let xp = devices.first(where: { $0.use == .slavePointer && $0.attachment == p.id && $0.name == "\(name) XTEST pointer" }) else {
            throw .seatIncomplete(name, missing: "XTEST pointer")
        }
        guard let xk = devices.first(where: { $0.use == .slaveKeyboard && $0.attachment == k && $0.name == "\(name) XTEST keyboard" }) else {
            throw .seatIncomplete(name, missing: "XTEST keyboard")
        }
        return X11Seat(name: name, pointer: p.id, keyboard: k, xtestPointer: xp.id, xtestKeyboard: xk.id)
    }

    /// Removes `seat`'s master pair. Its XTEST slaves go with it; other slaves attached to
    /// it float (a daemon attaches its own devices and drops them itself).
    /// The corresponding C function is `XIChangeHierarchy` with `XIRemoveMaster`.
    public func removeSeat(_ seat: X11Seat) throws(X11Error) {
        guard exists(seat) else { throw .noSuchSeat(seat.name) }
        try removeMaster(pointer: seat.pointer, name: seat.name)
    }

    /// Removes every master pair whose name starts with `prefix` (the seats a daemon that
    /// died left behind, with `X11Seat.agentPrefix`); returns the names removed. The human's
    /// seat is never removed.
    @discardableResult
    public func removeSeats(prefix: String) throws(X11Error) -> [String] {
        precondition(!prefix.isEmpty, "an empty prefix would name every seat")
        let stale = inputDevices().filter {
            $0.use == .masterPointer && $0.name.hasPrefix(prefix) && $0.name.hasSuffix(" pointer") && $0.name != "\(X11Seat.coreName) pointer"
        }
        var removed: [String] = []
        for p in stale {
            let name = String(p.name.dropLast(" pointer".count))
            do throws(X11Error) {
                try removeMaster(pointer: p.id, name: name)
                removed.append(name)
            } catch {
                // Gone meanwhile (another cleaner) is what was wanted.
                if inputDevices().contains(where: { $0.id == p.id && $0.name == p.name }) { throw error }
            }
        }
        return removed
    }

    private func removeMaster(pointer: Int32, name: String) throws(X11Error) {
        var change = XIAnyHierarchyChangeInfo()
        change.remove = XIRemoveMasterInfo(type: XIRemoveMaster, deviceid: pointer, return_mode: XIFloating,
                                           return_pointer: 0, return_keyboard: 0)
        let (_, failed) = checked { XIChangeHierarchy(display, &change, 1) }
        guard !failed else { throw .noSuchSeat(name) }
    }

    /// Attaches slave device `device` (a pointer to the seat's master pointer, a keyboard
    /// to its master keyboard), e.g. a session's uinput devices once the server added them.
    /// The corresponding C function is `XIChangeHierarchy` with `XIAttachSlave`.
    public func attach(device: Int32, to seat: X11Seat) throws(X11Error) {
        guard let d = inputDevices().first(where: { $0.id == device }) else { throw .noSuchInputDevice(device) }
        guard exists(seat) else { throw .noSuchSeat(seat.name) }
        // A floating slave's kind is not in its use: try the pointer first, as the server's
        // own test does (a device with buttons or axes is a pointer).
        let masters: [Int32] = switch d.use {
        case .slavePointer: [seat.pointer]
        case .slaveKeyboard: [seat.keyboard]
        case .floatingSlave: [seat.pointer, seat.keyboard]
        case .masterPointer, .masterKeyboard: []
        }
        for m in masters {
            var change = XIAnyHierarchyChangeInfo()
            change.attach = XIAttachSlaveInfo(type: XIAttachSlave, deviceid: device, new_master: m)
            let (_, failed) = checked { XIChangeHierarchy(display, &change, 1) }
            if !failed { return }
        }
        throw .attachRefused(device: device, seat: seat.name)
    }

    /// Where `seat`'s keyboard sends keys now.
    /// The corresponding C function is `XIGetFocus`.
    public func focus(of seat: X11Seat) throws(X11Error) -> X11SeatFocus {
        var w: UInt = 0
        let (_, failed) = checked { XIGetFocus(display, seat.keyboard, &w) }
        guard !failed else { throw .noSuchSeat(seat.name) }
        switch w {
        case UInt(None): return .none
        case UInt(PointerRoot): return .pointerRoot
        default: return .window(WindowID(UInt64(w)))
        }
    }

    /// Gives `seat`'s keyboard the focus of `window`; no other seat's focus changes.
    /// The corresponding C function is `XISetFocus`.
    public func setFocus(of seat: X11Seat, to window: WindowID) throws(X11Error) {
        try setFocus(of: seat, to: .window(window))
    }

    public func setFocus(of seat: X11Seat, to focus: X11SeatFocus) throws(X11Error) {
        let target: UInt = switch focus {
        case .none: UInt(None)
        case .pointerRoot: UInt(PointerRoot)
        case .window(let w): UInt(w.rawValue)
        }
        let (_, failed) = checked { XISetFocus(display, seat.keyboard, target, UInt(CurrentTime)) }
        guard failed else { return }
        guard exists(seat) else { throw .noSuchSeat(seat.name) }
        if case .window(let w) = focus {
            guard self.window(w) != nil else { throw .noSuchWindow(w.rawValue) }
            throw .focusRefused(w.rawValue, seat: seat.name)
        }
        throw .noSuchSeat(seat.name)
    }

    /// Where `seat`'s pointer is and which buttons it holds.
    /// The corresponding C function is `XIQueryPointer`.
    public func pointer(of seat: X11Seat) throws(X11Error) -> X11SeatPointer {
        var r: UInt = 0, child: UInt = 0
        var rx = 0.0, ry = 0.0, wx = 0.0, wy = 0.0
        var buttons = XIButtonState(), mods = XIModifierState(), group = XIGroupState()
        let (ok, failed) = checked { XIQueryPointer(display, seat.pointer, root, &r, &child, &rx, &ry, &wx, &wy, &buttons, &mods, &group) }
        defer { free(buttons.mask) }
        guard ok != 0, !failed else { throw .noSuchSeat(seat.name) }
        var held: Set<UInt32> = []
        if let mask = buttons.mask {
            for i in 0..<(Int(buttons.mask_len) * 8) where mask[i >> 3] & UInt8(1 << (i & 7)) != 0 { held.insert(UInt32(i)) }
        }
        return X11SeatPointer(position: Point(x: Int32(rx.rounded(.down)), y: Int32(ry.rounded(.down))), buttons: held)
    }

    /// Moves `seat`'s pointer to `p` (root coordinates); no other seat's pointer moves.
    /// The corresponding C function is `XIWarpPointer`.
    public func warp(_ seat: X11Seat, to p: Point) throws(X11Error) {
        let (_, failed) = checked { XIWarpPointer(display, seat.pointer, UInt(None), root, 0, 0, 0, 0, Double(p.x), Double(p.y)) }
        guard !failed else { throw .noSuchSeat(seat.name) }
    }
}
