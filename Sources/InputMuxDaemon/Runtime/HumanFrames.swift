import InputMuxCore
import InputMuxLinux

/// The human's events as the engine's bookkeeping takes them: read from `PhysicalInbox`
/// and gathered into one frame per device up to each SYN_REPORT. The clones already have
/// them (`HumanInput`); this only tells the engine (pause, focus, panic).
struct HumanFrames {
    let inbox: PhysicalInbox
    private var pending: [UInt32: [EvdevEvent]] = [:]
    private var scratch: [PhysicalInbox.Entry] = []

    init(inbox: PhysicalInbox) {
        self.inbox = inbox
        scratch.reserveCapacity(8192)
    }

    /// Hands each complete frame to `handle`, in order. Events the ring lost still count
    /// as the human being active: a zero motion frame of device 0 stands for them.
    mutating func drain(_ handle: (EngineInput) -> Void) {
        scratch.removeAll(keepingCapacity: true)
        let lost = inbox.drain(into: &scratch)
        guard !scratch.isEmpty || lost else { return }
        for entry in scratch {
            if entry.event.type == EV.syn {
                let events = pending.removeValue(forKey: entry.device) ?? []
                if !events.isEmpty { handle(.physical(device: entry.device, Frame(events))) }
            } else {
                pending[entry.device, default: []].append(entry.event)
            }
        }
        if lost { handle(.physical(device: 0, Frame([EvdevEvent(type: EV.rel, code: REL.x, value: 0)]))) }
    }
}
