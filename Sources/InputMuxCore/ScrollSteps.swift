/// The wheel frames of one scroll: hi-res units (120 per notch) split into steps of at
/// most one notch, each with the legacy whole-notch events it completes.
///
/// Sign convention: the kernel's REL_WHEEL counts detents as HID wheels report them,
/// positive when the wheel turns forward, away from the user, which scrolls *up*;
/// REL_HWHEEL is positive to the *right*. libinput negates REL_WHEEL into its vertical
/// axis, whose documented positive direction is down (`libinput_event_pointer_get_scroll_value`:
/// "the positive direction being down or right"), and keeps REL_HWHEEL as is. A gesture's
/// positive `dy` means "scroll down", so it becomes a negative REL_WHEEL; positive `dx`
/// stays positive. The hi-res axes (REL_*_HI_RES, 120 per detent) use the same signs.
///
/// Legacy REL_WHEEL/REL_HWHEEL steps are derived from the running hi-res total: a whole
/// step is emitted once the accumulated hi-res amount reaches half a notch, and the
/// accumulator keeps the remainder (which may go negative). So the legacy total is the
/// hi-res total rounded to whole notches, and a scroll of at least half a notch in pixels
/// still reaches clients that only read the legacy axes.
struct ScrollSteps: Sequence {
    let hiX: Int64
    let hiY: Int64
    let count: Int64

    init(dx: Int32, dy: Int32, unit: ScrollUnit, pixelsPerNotch: Int32) throws(Rejection) {
        if dx == 0 && dy == 0 { throw Rejection(.badGesture, "scroll by nothing (dx and dy are 0)") }
        let perNotch = Int64(REL.hiResPerNotch)
        func hiRes(_ v: Int32) -> Int64 {
            switch unit {
            case .notches: return Int64(v) * perNotch
            case .pixels:
                // Rounded half away from zero, so equal and opposite scrolls cancel.
                let num = Int64(v) * perNotch, den = Int64(Swift.max(pixelsPerNotch, 1))
                return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den)
            }
        }
        hiX = hiRes(dx)
        hiY = -hiRes(dy)
        let limit = Int64(GestureCompiler.maximumNotches) * perNotch
        guard hiX.magnitude <= limit, hiY.magnitude <= limit else {
            throw Rejection(.tooLarge, "scroll of more than \(GestureCompiler.maximumNotches) notches")
        }
        if hiX == 0 && hiY == 0 { throw Rejection(.badGesture, "scroll of less than one hi-res unit") }
        count = Swift.max(1, (Swift.max(hiX.magnitude, hiY.magnitude) + UInt64(perNotch) - 1) / UInt64(perNotch)).toInt64
    }

    func makeIterator() -> Iterator { Iterator(steps: self) }

    struct Iterator: IteratorProtocol {
        let steps: ScrollSteps
        var i: Int64 = 0
        var sentX: Int64 = 0, sentY: Int64 = 0
        var accX: Int64 = 0, accY: Int64 = 0

        mutating func next() -> [EvdevEvent]? {
            guard i < steps.count else { return nil }
            i += 1
            // Cumulative share, so the steps add up exactly to the total.
            let x = steps.hiX * i / steps.count - sentX
            let y = steps.hiY * i / steps.count - sentY
            sentX += x; sentY += y
            var events: [EvdevEvent] = []
            events.reserveCapacity(4)
            if y != 0 {
                let lo = Self.legacy(&accY, y)
                if lo != 0 { events.append(EvdevEvent(type: EV.rel, code: REL.wheel, value: Int32(lo))) }
                events.append(EvdevEvent(type: EV.rel, code: REL.wheelHiRes, value: Int32(y)))
            }
            if x != 0 {
                let lo = Self.legacy(&accX, x)
                if lo != 0 { events.append(EvdevEvent(type: EV.rel, code: REL.hwheel, value: Int32(lo))) }
                events.append(EvdevEvent(type: EV.rel, code: REL.hwheelHiRes, value: Int32(x)))
            }
            return events
        }

        static func legacy(_ acc: inout Int64, _ hi: Int64) -> Int64 {
            let perNotch = Int64(REL.hiResPerNotch)
            acc += hi
            let lo = acc >= 0 ? (acc + perNotch / 2) / perNotch : -((-acc + perNotch / 2) / perNotch)
            acc -= lo * perNotch
            return lo
        }
    }
}

extension UInt64 {
    fileprivate var toInt64: Int64 { Int64(self) }
}
