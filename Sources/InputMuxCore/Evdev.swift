/// One evdev event as the kernel defines `struct input_event`, without the timestamp
/// (the kernel stamps what we write).
public struct EvdevEvent: Hashable, Sendable, CustomStringConvertible {
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    @inlinable
    public init(type: UInt16, code: UInt16, value: Int32) {
        self.type = type
        self.code = code
        self.value = value
    }

    public static let synReport = EvdevEvent(type: EV.syn, code: SYN.report, value: 0)

    public var description: String { "(\(type),\(code),\(value))" }
}

/// A frame: the events between two `SYN_REPORT`s. `events` never contains the
/// terminating `SYN_REPORT`; writers append it.
public struct Frame: Hashable, Sendable, CustomStringConvertible {
    public var events: [EvdevEvent]

    public init(_ events: [EvdevEvent]) { self.events = events }

    public var description: String { events.map(\.description).joined(separator: " ") + " SYN" }
}

/// Event types (`EV_*` in <linux/input-event-codes.h>).
public enum EV {
    public static let syn: UInt16 = 0x00
    public static let key: UInt16 = 0x01
    public static let rel: UInt16 = 0x02
    public static let abs: UInt16 = 0x03
    public static let msc: UInt16 = 0x04
}

/// Synchronization codes (`SYN_*`).
public enum SYN {
    public static let report: UInt16 = 0
    public static let dropped: UInt16 = 3
}

/// Relative axes (`REL_*`).
public enum REL {
    public static let x: UInt16 = 0x00
    public static let y: UInt16 = 0x01
    public static let hwheel: UInt16 = 0x06
    public static let wheel: UInt16 = 0x08
    public static let wheelHiRes: UInt16 = 0x0b
    public static let hwheelHiRes: UInt16 = 0x0c
    /// Hi-res units per wheel notch (the kernel's convention).
    public static let hiResPerNotch: Int32 = 120
}

/// Absolute axes (`ABS_*`).
public enum ABS {
    public static let x: UInt16 = 0x00
    public static let y: UInt16 = 0x01
}

/// Misc codes (`MSC_*`).
public enum MSC {
    public static let scan: UInt16 = 0x04
}

/// Mouse buttons an agent may press, with their `BTN_*` codes.
public enum MouseButton: String, CaseIterable, Hashable, Sendable, Codable {
    case left, right, middle, back, forward

    public var code: UInt16 {
        switch self {
        case .left: 0x110     // BTN_LEFT
        case .right: 0x111    // BTN_RIGHT
        case .middle: 0x112   // BTN_MIDDLE
        case .back: 0x113     // BTN_SIDE
        case .forward: 0x114  // BTN_EXTRA
        }
    }

    public init?(code: UInt16) {
        guard let b = MouseButton.allCases.first(where: { $0.code == code }) else { return nil }
        self = b
    }
}

/// A Linux key code (`KEY_*`), as the kernel numbers them.
public struct KeyCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public static func < (a: KeyCode, b: KeyCode) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "KEY(\(rawValue))" }

    public static let esc = KeyCode(1)
    public static let backspace = KeyCode(14)
    public static let tab = KeyCode(15)
    public static let enter = KeyCode(28)
    public static let leftCtrl = KeyCode(29)
    public static let leftShift = KeyCode(42)
    public static let rightShift = KeyCode(54)
    public static let leftAlt = KeyCode(56)
    public static let space = KeyCode(57)
    public static let rightCtrl = KeyCode(97)
    public static let rightAlt = KeyCode(100)
    public static let home = KeyCode(102)
    public static let up = KeyCode(103)
    public static let pageUp = KeyCode(104)
    public static let left = KeyCode(105)
    public static let right = KeyCode(106)
    public static let end = KeyCode(107)
    public static let down = KeyCode(108)
    public static let pageDown = KeyCode(109)
    public static let insert = KeyCode(110)
    public static let delete = KeyCode(111)
    public static let leftMeta = KeyCode(125)
    public static let rightMeta = KeyCode(126)

    /// Keys whose chords change focus on common desktops (Alt+Tab, Super, ...).
    public var isFocusModifier: Bool {
        self == .leftAlt || self == .rightAlt || self == .leftMeta || self == .rightMeta
    }

    /// Buttons share the key code space (`BTN_*` from 0x100).
    public var isButton: Bool { rawValue >= 0x100 && rawValue < 0x160 }
}
