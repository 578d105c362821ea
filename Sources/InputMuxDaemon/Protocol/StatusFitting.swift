import InputMuxCore
import InputMuxWire

/// A `status` reply that fits the connection's output bound (issue 15): with thousands
/// of leases the whole snapshot can pass `max_outbound_bytes`, and a reply over it would
/// disconnect the operator who asked. The lists are cut, in order of importance (held,
/// waiting, sessions, cancel targets), so the reply fits `budget` bytes; the reply then
/// says `"truncated":true` and how many entries of each list it leaves out
/// (`"omitted":{"held":N,…}`). Every count the snapshot carries is still exact.
extension WireEncoding {
    public static func statusReply(_ s: StatusSnapshot, id: RequestID, budget: Int) -> JSONValue {
        let full = reply(.status(s), id: id)
        guard encodedSize(full) > budget else { return full }
        // The skeleton: everything but the four lists, with room for the omitted counts.
        var cut = s
        cut.held = []; cut.waiting = []; cut.sessions = []; cut.cancelTargets = []
        let omittedRoom = 120
        var used = encodedSize(reply(.status(cut), id: id)) + omittedRoom
        func take<T>(_ items: [T], _ encode: (T) -> JSONValue) -> [T] {
            var kept: [T] = []
            for item in items {
                let size = encodedSize(encode(item)) + 1   // and its comma
                guard used + size <= budget else { break }
                used += size
                kept.append(item)
            }
            return kept
        }
        cut.held = take(s.held, lease)
        cut.waiting = take(s.waiting, lease)
        cut.sessions = take(s.sessions, identity)
        cut.cancelTargets = take(s.cancelTargets) { .string($0.description) }
        guard case .object(var o) = reply(.status(cut), id: id), case .object(var r)? = o["result"] else { return full }
        r["truncated"] = true
        r["omitted"] = [
            "held": .int(Int64(s.held.count - cut.held.count)),
            "waiting": .int(Int64(s.waiting.count - cut.waiting.count)),
            "sessions": .int(Int64(s.sessions.count - cut.sessions.count)),
            "cancel_targets": .int(Int64(s.cancelTargets.count - cut.cancelTargets.count)),
        ]
        o["result"] = .object(r)
        return .object(o)
    }

    static func encodedSize(_ v: JSONValue) -> Int {
        var bytes: [UInt8] = []
        v.write(to: &bytes)
        return bytes.count
    }
}
