@testable import InputMuxCore

/// What a compositor makes of the emitted frames, as far as the seat's one cursor goes:
/// the kernel drops an ABS event equal to the device's current value, and the cursor
/// follows whichever device last actually moved. Used to prove where clicks land.
struct SeatCompositor {
    var cursor = Point(x: 0, y: 0)
    var axes: [DeviceRef: (x: Int32?, y: Int32?)] = [:]
    /// Every button press: which device, where the cursor was.
    var presses: [(DeviceRef, Point)] = []

    mutating func feed(_ device: DeviceRef, _ frame: Frame) {
        var moved = false
        var a = axes[device] ?? (nil, nil)
        for e in frame.events {
            switch e.type {
            case EV.abs where e.code == ABS.x: if a.x != e.value { a.x = e.value; moved = true }
            case EV.abs where e.code == ABS.y: if a.y != e.value { a.y = e.value; moved = true }
            case EV.rel where e.code == REL.x: cursor.x += e.value
            case EV.rel where e.code == REL.y: cursor.y += e.value
            default: break
            }
        }
        axes[device] = a
        if moved { cursor = Point(x: a.x ?? 0, y: a.y ?? 0) }
        for e in frame.events where e.type == EV.key && e.value == 1 && KeyCode(e.code).isButton {
            presses.append((device, cursor))
        }
    }

    static func replay(_ frames: [(DeviceRef, Frame)]) -> SeatCompositor {
        var c = SeatCompositor()
        for (d, f) in frames { c.feed(d, f) }
        return c
    }
}
