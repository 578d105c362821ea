import InputMuxCore

/// An XInput2 device as the server lists it (`XIQueryDevice`).
public struct X11InputDevice: Hashable, Sendable, CustomStringConvertible {
    public enum Use: Hashable, Sendable {
        case masterPointer, masterKeyboard, slavePointer, slaveKeyboard, floatingSlave
    }

    public var id: Int32
    public var name: String
    public var use: Use
    /// A master's paired master, an attached slave's master; nil for a floating slave.
    public var attachment: Int32?
    public var enabled: Bool

    public init(id: Int32, name: String, use: Use, attachment: Int32?, enabled: Bool) {
        self.id = id
        self.name = name
        self.use = use
        self.attachment = attachment
        self.enabled = enabled
    }

    public var isMaster: Bool { use == .masterPointer || use == .masterKeyboard }

    public var description: String { "\"\(name)\" (\(id), \(use))" }
}

/// A seat under XInput2 multi-pointer (MPX): one master pointer and its paired master
/// keyboard, with one cursor and one keyboard focus of their own (DESIGN §5a). The server
/// gives every master pair two XTEST slaves; what they inject moves this seat's cursor
/// and goes to this seat's focus, and to no other seat's.
///
/// The server names a pair's devices after the name it was created with: "NAME pointer",
/// "NAME keyboard", "NAME XTEST pointer", "NAME XTEST keyboard". The human's seat is the
/// one named "Virtual core".
public struct X11Seat: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The master pointer's device id.
    public var pointer: Int32
    /// The paired master keyboard's device id.
    public var keyboard: Int32
    /// The XTEST slave pointer attached to `pointer`.
    public var xtestPointer: Int32
    /// The XTEST slave keyboard attached to `keyboard`.
    public var xtestKeyboard: Int32

    public init(name: String, pointer: Int32, keyboard: Int32, xtestPointer: Int32, xtestKeyboard: Int32) {
        self.name = name
        self.pointer = pointer
        self.keyboard = keyboard
        self.xtestPointer = xtestPointer
        self.xtestKeyboard = xtestKeyboard
    }

    /// The human's seat: the server's virtual core pointer and keyboard.
    public static let coreName = "Virtual core"

    /// What every agent seat's name starts with, so a daemon that starts can find and
    /// remove the seats a dead one left behind.
    public static let agentPrefix = "inputmux agent "

    /// The seat name of agent session `sid` named `agent`: "inputmux agent NAME#SID".
    public static func agentSeatName(agent: String, session: UInt32) -> String {
        "\(agentPrefix)\(agent)#\(session)"
    }

    public var description: String {
        "seat \"\(name)\" (pointer \(pointer), keyboard \(keyboard), XTEST \(xtestPointer)/\(xtestKeyboard))"
    }

    /// The seats `devices` hold: each master pointer with its paired keyboard and their
    /// XTEST slaves, in device order. A master pair without both XTEST slaves is left out.
    public static func seats(in devices: [X11InputDevice]) -> [X11Seat] {
        devices.compactMap { p in
            guard p.use == .masterPointer, p.name.hasSuffix(" pointer"), let k = p.attachment else { return nil }
            let name = String(p.name.dropLast(" pointer".count))
            guard let xp = devices.first(where: { $0.use == .slavePointer && $0.attachment == p.id && $0.name == "\(name) XTEST pointer" }),
                  let xk = devices.first(where: { $0.use == .slaveKeyboard && $0.attachment == k && $0.name == "\(name) XTEST keyboard" })
            else { return nil }
            return X11Seat(name: name, pointer: p.id, keyboard: k, xtestPointer: xp.id, xtestKeyboard: xk.id)
        }
    }
}

/// Where a seat's keyboard sends keys.
public enum X11SeatFocus: Hashable, Sendable, CustomStringConvertible {
    /// No window: keys are dropped.
    case none
    /// Keys go to the window under this seat's own pointer.
    case pointerRoot
    case window(WindowID)

    public var description: String {
        switch self {
        case .none: "no focus"
        case .pointerRoot: "PointerRoot"
        case .window(let w): "\(w)"
        }
    }
}
