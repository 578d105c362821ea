/// One input device as sysfs shows it (`/sys/class/input/inputN`): its `phys` and the
/// handler nodes the kernel gave it (`event3`, `mouse1`, `js0`).
public struct InputDeviceNodes: Hashable, Sendable {
    public var phys: String
    public var nodes: [String]

    public init(phys: String, nodes: [String]) {
        self.phys = phys
        self.nodes = nodes
    }

    func count(_ kind: String) -> Int {
        nodes.filter { $0.hasPrefix(kind) && $0.dropFirst(kind.count).allSatisfy(\.isNumber) }.count
    }
}

/// The kernel's input minors (docs/INSTALL.md, "How many agent sessions fit"): 1024 in
/// all. evdev and mousedev first take their legacy ranges (32 and 31 minors), then share
/// the dynamic range 256…1023; joydev's js nodes take 16 legacy minors of their own first.
/// An agent session costs 3: its pointer an event and a mouse node (joydev leaves it
/// alone: it declares BTN_TOUCH), its keyboard an event node.
public struct InputMinors: Hashable, Sendable {
    public static let forEventAndMouseNodes = 32 + 31 + (1024 - 256)
    public static let joydevLegacy = 16
    public static let perSession = 3

    /// Minors other devices hold: physical devices and InputMux's clones of them.
    public var heldByOthers: Int
    /// Physical devices (phys not InputMux's).
    public var physicalDevices: Int
    /// Clones of physical devices counted without existing yet: when no clone exists
    /// (the daemon is not running), each physical device is counted twice, as the daemon
    /// may clone every one it grabs.
    public var clonesAssumed: Bool

    public init(devices: [InputDeviceNodes]) {
        let others = devices.filter { !$0.phys.hasPrefix("inputmux/agent/") }
        let physical = others.filter { !$0.phys.hasPrefix("inputmux/") }
        func minors(_ ds: [InputDeviceNodes]) -> Int {
            ds.reduce(0) { $0 + $1.count("event") + $1.count("mouse") } + max(0, ds.reduce(0) { $0 + $1.count("js") } - Self.joydevLegacy)
        }
        clonesAssumed = others.count == physical.count
        physicalDevices = physical.count
        heldByOthers = minors(others) + (clonesAssumed ? minors(physical) : 0)
    }

    /// Sessions that fit in what the other devices leave.
    public var sessionsThatFit: Int { max(0, Self.forEventAndMouseNodes - heldByOthers) / Self.perSession }
}
