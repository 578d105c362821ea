import InputMuxWire

/// An `acquire` reply's `result`: the lease and the state it starts in (`active`,
/// `queued` with its position, or `pending_approval`), each with the daemon's reason.
package struct AcquireReply: Sendable, Hashable, WireObjectDecodable {
    package var lease: LeaseInfo
    package var state: LeaseState

    package init(fields f: JSONFields) throws(WireError) {
        lease = try f.decode("lease")
        let reason = try f.optionalString("reason") ?? ""
        switch try f.string("state") {
        case "active": state = .active
        case "pending_approval": state = .pendingApproval(reason: reason)
        case "queued": state = .queued(position: try f.optional("position") ?? lease.position ?? 1, reason: reason)
        case let other: throw WireError(.malformed, "\(f.name("state")): \"\(other)\" is not active, queued or pending_approval")
        }
    }
}
